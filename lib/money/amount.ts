/**
 * Money as `bigint` minor units. No `Number`, no `parseFloat`: every conversion is string ↔ bigint,
 * so amounts are exact up to the 16 wire digits (and beyond, in memory).
 */
import {
  CURRENCY_EXPONENTS,
  CURRENCY_MULTIPLE_OF,
  MAX_MINOR_DIGITS,
  MAX_MINOR_UNITS,
  isCurrencyCode,
  type CurrencyCode,
} from './currency-exponents';
import { MoneyError } from './money-error';

/** Exponent of a supported currency; throws `UNKNOWN_CURRENCY` otherwise. */
export function currencyExponent(currency: string): 0 | 2 {
  if (!isCurrencyCode(currency)) {
    throw new MoneyError('UNKNOWN_CURRENCY', `Currency "${currency}" is not in Antom's minor-unit table.`);
  }
  return CURRENCY_EXPONENTS[currency];
}

const DECIMAL = /^(-)?([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Parses a major-unit decimal string ("12.34", "1000", "-0.5") into minor units of `currency`.
 * Strict: no grouping separators, no exponents, no spaces. Extra fraction digits are accepted only if
 * they are zeros ("1.230" USD) — a non-zero digit below the minor unit throws `TOO_MANY_DECIMALS`
 * instead of rounding silently. Throws `TOO_LARGE` beyond 16 minor-unit digits.
 */
export function parseAmount(major: string, currency: CurrencyCode | string): bigint {
  const exp = currencyExponent(currency);
  const m = typeof major === 'string' ? DECIMAL.exec(major) : null;
  if (!m) {
    throw new MoneyError('INVALID_AMOUNT', `"${String(major)}" is not a plain decimal amount (digits with an optional "." part).`);
  }
  const [, sign, whole = '0', frac = ''] = m;
  const significant = frac.slice(0, exp);
  const rest = frac.slice(exp);
  if (/[^0]/.test(rest)) {
    throw new MoneyError('TOO_MANY_DECIMALS', `${major} ${currency} has more than ${exp} decimal place(s).`);
  }
  const minor = BigInt(whole + significant.padEnd(exp, '0'));
  if (minor > MAX_MINOR_UNITS) {
    throw new MoneyError('TOO_LARGE', `${major} ${currency} exceeds ${MAX_MINOR_DIGITS} digits in minor units.`);
  }
  return sign && minor !== 0n ? -minor : minor;
}

/** Exact major-unit decimal string, no grouping: 12345n USD → "123.45", 5n JPY → "5", -5n USD → "-0.05". */
export function toMajorString(minor: bigint, currency: CurrencyCode | string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  if (exp === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exp + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

const WIRE = /^[0-9]{1,16}$/;

/** Minor units → AMS `Amount.value` ("100" = 1.00 USD). Throws for negatives and > 16 digits. */
export function toWireValue(minor: bigint): string {
  if (typeof minor !== 'bigint') throw new MoneyError('INVALID_AMOUNT', 'Amounts must be bigint minor units.');
  if (minor < 0n) throw new MoneyError('NEGATIVE', `Amount ${minor} is negative; AMS amounts are positive integers.`);
  if (minor > MAX_MINOR_UNITS) throw new MoneyError('TOO_LARGE', `Amount ${minor} exceeds ${MAX_MINOR_DIGITS} digits.`);
  return minor.toString();
}

/** AMS `Amount.value` → minor units. Accepts 1–16 ASCII digits only (no sign, no decimals, no spaces). */
export function fromWireValue(value: string): bigint {
  if (typeof value !== 'string' || !WIRE.test(value)) {
    throw new MoneyError('INVALID_AMOUNT', `"${String(value)}" is not an AMS amount value (1–16 digits in minor units).`);
  }
  return BigInt(value);
}

/** -1, 0 or 1. Both operands are minor units of the same currency (the caller's invariant). */
export function compareAmounts(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An amount together with its currency — the value type for anything crossing a module boundary. */
export interface Money {
  readonly currency: CurrencyCode;
  readonly minor: bigint;
}

/** Compares two `Money` values; throws `CURRENCY_MISMATCH` rather than comparing across currencies. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  if (a.currency !== b.currency) {
    throw new MoneyError('CURRENCY_MISMATCH', `Cannot compare ${a.currency} with ${b.currency}.`);
  }
  return compareAmounts(a.minor, b.minor);
}

/** AMS `Amount` object ↔ `Money`. */
export function moneyFromWire(amount: { currency: string; value: string }): Money {
  currencyExponent(amount.currency);
  return { currency: amount.currency as CurrencyCode, minor: fromWireValue(amount.value) };
}

export function moneyToWire(money: Money): { currency: CurrencyCode; value: string } {
  currencyExponent(money.currency);
  return { currency: money.currency, value: toWireValue(money.minor) };
}

export interface AmountRules {
  /** Inclusive minimum in minor units. */
  readonly minAmount?: bigint;
  /** The value must be a multiple of this (minor units). */
  readonly multipleOf?: bigint;
}

export interface AmountIssue {
  readonly code: 'NOT_POSITIVE' | 'TOO_LARGE' | 'BELOW_MINIMUM' | 'NOT_MULTIPLE';
  readonly message: string;
}

/**
 * Lists every rule `minor` breaks for a payment/refund in `currency`: positive, ≤ 16 digits, the
 * currency's own multiple (IDR whole rupiah), and the optional wallet rules. Empty list = acceptable.
 */
export function checkAmount(minor: bigint, currency: CurrencyCode | string, rules: AmountRules = {}): AmountIssue[] {
  currencyExponent(currency);
  const issues: AmountIssue[] = [];
  const shown = () => `${toMajorString(minor, currency)} ${currency}`;
  if (minor <= 0n) issues.push({ code: 'NOT_POSITIVE', message: `${shown()} is not a positive amount.` });
  if (minor > MAX_MINOR_UNITS) issues.push({ code: 'TOO_LARGE', message: `${shown()} exceeds ${MAX_MINOR_DIGITS} digits in minor units.` });
  if (rules.minAmount !== undefined && minor < rules.minAmount) {
    issues.push({ code: 'BELOW_MINIMUM', message: `${shown()} is below the minimum of ${toMajorString(rules.minAmount, currency)} ${currency}.` });
  }
  const multiples = new Set([CURRENCY_MULTIPLE_OF[currency as CurrencyCode], rules.multipleOf].filter((m): m is bigint => m !== undefined && m > 1n));
  for (const m of multiples) {
    if (minor % m !== 0n) {
      issues.push({
        code: 'NOT_MULTIPLE',
        message: `${shown()} must be a multiple of ${toMajorString(m, currency)} ${currency}${currency === 'IDR' && m === 100n ? ' (whole rupiah only)' : ''}.`,
      });
    }
  }
  return issues;
}

/** Throws the first issue of `checkAmount` as a `MoneyError`. */
export function assertAmount(minor: bigint, currency: CurrencyCode | string, rules: AmountRules = {}): void {
  const [first] = checkAmount(minor, currency, rules);
  if (first) throw new MoneyError(first.code, first.message);
}

/**
 * Rounds to a multiple of `multiple` with half-to-even ("banker's") rounding — the rule Antom prints
 * for IDR (round to whole rupiah: `roundHalfEven(x, 100n)`).
 */
export function roundHalfEven(minor: bigint, multiple: bigint): bigint {
  if (multiple <= 0n) throw new MoneyError('INVALID_AMOUNT', 'The rounding multiple must be positive.');
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const q = abs / multiple;
  const r = abs % multiple;
  const twice = r * 2n;
  const up = twice > multiple || (twice === multiple && q % 2n === 1n);
  const rounded = (up ? q + 1n : q) * multiple;
  return negative ? -rounded : rounded;
}
