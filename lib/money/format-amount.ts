/**
 * Locale formatting with `Intl.NumberFormat`, fed by Antom's exponent table rather than CLDR's (CLDR
 * disagrees for some currencies, e.g. it shows 0 decimals for TWD cash). The number is passed as an
 * exact decimal string, so nothing goes through a float.
 */
import { currencyExponent, toMajorString } from './amount';
import type { CurrencyCode } from './currency-exponents';

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, currency: string, digits: number, display: 'symbol' | 'code' | 'narrowSymbol'): Intl.NumberFormat {
  const key = `${locale}|${currency}|${digits}|${display}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: display,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, f);
  }
  return f;
}

export interface FormatAmountOptions {
  readonly currencyDisplay?: 'symbol' | 'code' | 'narrowSymbol';
}

/**
 * Formats minor units for display, e.g. `formatAmount(123456n, 'PHP', 'en-PH')` → "₱1,234.56".
 * Exact for any bigint. IDR amounts that are whole rupiah (the only kind Antom accepts) are shown
 * without the always-zero decimals.
 */
export function formatAmount(
  minor: bigint,
  currency: CurrencyCode | string,
  locale = 'en-US',
  options: FormatAmountOptions = {},
): string {
  const exp = currencyExponent(currency);
  const digits = currency === 'IDR' && minor % 100n === 0n ? 0 : exp;
  const major = toMajorString(minor, currency);
  // Intl's string overload keeps full decimal precision; the cast is only for older lib typings.
  return formatter(locale, currency, digits, options.currencyDisplay ?? 'symbol').format(major as unknown as number);
}
