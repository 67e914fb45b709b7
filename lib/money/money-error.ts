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

/** A process-wide brand (Symbol.for is shared by every copy of this module a production build holds). */
const MONEY_ERROR_BRAND = Symbol.for('daikou.money.error');

/** Every money failure: a stable `code` plus a message that names the value and currency. Recognise it with isMoneyError. */
export class MoneyError extends Error {
  readonly code: MoneyErrorCode;

  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.code = code;
    Object.defineProperty(this, MONEY_ERROR_BRAND, { value: true, enumerable: false });
  }
}

/** True for a MoneyError from any copy of this module (never `instanceof`: it fails across server bundles). */
export function isMoneyError(error: unknown): error is MoneyError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MONEY_ERROR_BRAND] === true;
}
