/**
 * Antom's minor-unit table (ams-api.md §1.7, following ISO 4217) — the only source of exponents in
 * Daikou. A currency missing here is not supported: failing loudly beats guessing 2 decimals.
 */
export const CURRENCY_EXPONENTS = {
  AUD: 2,
  BDT: 2,
  BRL: 2,
  CAD: 2,
  CNY: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  IDR: 2,
  MXN: 2,
  MYR: 2,
  NZD: 2,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  SGD: 2,
  THB: 2,
  TWD: 2,
  USD: 2,
  CLP: 0,
  JPY: 0,
  KRW: 0,
  VND: 0,
} as const satisfies Record<string, 0 | 2>;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

export const CURRENCY_CODES = Object.freeze(Object.keys(CURRENCY_EXPONENTS) as CurrencyCode[]);

/**
 * Extra per-currency rules printed next to the table. IDR keeps 2 decimals on the wire but only whole
 * rupiah are allowed: the minor value must end in `00`.
 */
export const CURRENCY_MULTIPLE_OF: Readonly<Partial<Record<CurrencyCode, bigint>>> = Object.freeze({ IDR: 100n });

/** Amount `value` on the wire is at most 16 characters (ams-api.md §1.7). */
export const MAX_MINOR_DIGITS = 16;
export const MAX_MINOR_UNITS = 10n ** BigInt(MAX_MINOR_DIGITS) - 1n;

export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, code);
}
