export type MoneyErrorCode =
  | 'UNKNOWN_CURRENCY'
  | 'INVALID_AMOUNT'
  | 'TOO_MANY_DECIMALS'
  | 'TOO_LARGE'
  | 'NEGATIVE'
  | 'NOT_POSITIVE'
  | 'BELOW_MINIMUM'
  | 'NOT_MULTIPLE'
  | 'CURRENCY_MISMATCH';

/** Every money failure: a stable `code` plus a message that names the value and currency. */
export class MoneyError extends Error {
  readonly code: MoneyErrorCode;

  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.code = code;
  }
}
