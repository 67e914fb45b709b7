/** A report file refused at intake; `message` says why in words a finance user can act on. */
export class ReportRejected extends Error {
  constructor(
    readonly code:
      | 'bad_name'
      | 'too_large'
      | 'not_utf8'
      | 'binary'
      | 'bad_header'
      | 'no_end_marker'
      | 'after_end_marker'
      | 'bad_row'
      | 'wrong_client'
      | 'totals_disagree'
      | 'empty',
    message: string,
  ) {
    super(message);
    this.name = 'ReportRejected';
  }
}
