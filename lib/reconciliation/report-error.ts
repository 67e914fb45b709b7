/**
 * A report file refused at intake; `message` says why in words a finance user can act on, and `line` is
 * the file line at fault when there is one. Recognised by its brand (`isReportRejected`), never by
 * `instanceof` (the production build splits bundles).
 */
export type ReportRejectedCode =
  | 'bad_name'
  | 'too_large'
  | 'not_utf8'
  | 'binary'
  | 'bad_header'
  | 'no_end_marker'
  | 'after_end_marker'
  | 'bad_row'
  | 'wrong_merchant'
  | 'no_merchant_id'
  | 'totals_disagree'
  | 'unknown_day'
  | 'not_xlsx'
  | 'empty';

export class ReportRejected extends Error {
  readonly brand = 'ReportRejected' as const;
  constructor(
    readonly code: ReportRejectedCode,
    message: string,
    readonly line: number | null = null,
  ) {
    super(message);
    this.name = 'ReportRejected';
  }
}

export function isReportRejected(error: unknown): error is ReportRejected {
  return typeof error === 'object' && error !== null && (error as { brand?: unknown }).brand === 'ReportRejected';
}
