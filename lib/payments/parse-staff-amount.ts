import { currencyExponent, isCurrencyCode, isMoneyError, parseAmount } from '@/lib/money';

export type StaffAmount = { ok: true; minor: bigint } | { ok: false; error: string };

/** Grouping with commas in the right places ("9,900", "1,234,567.50"), or none ("9900"). */
const TYPED = /^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$/;

/**
 * An amount as a staff member types it for this currency — "9,900" for KRW, "12.50" for PHP — to exact minor
 * units. Refuses, with a sentence saying why: anything but digits, commas as thousands separators and one
 * decimal point; decimals in a currency without them; more decimals than the currency has; zero or less.
 * Never rounds and never goes through a float.
 */
export function parseStaffAmount(text: string, currency: string): StaffAmount {
  if (!isCurrencyCode(currency)) return { ok: false, error: `${currency} is not a currency Antom accepts.` };
  const typed = text.trim().replace(/\s+/g, '');
  if (typed === '') return { ok: false, error: 'Enter an amount.' };
  if (typed.startsWith('-')) return { ok: false, error: 'Enter an amount above zero.' };
  if (!TYPED.test(typed)) return { ok: false, error: `"${text.trim()}" is not an amount: use digits, commas between thousands and a point for decimals (e.g. 1,234.50).` };
  const exponent = currencyExponent(currency);
  const decimals = typed.includes('.') ? typed.split('.')[1]!.length : 0;
  if (decimals > 0 && exponent === 0 && /[1-9]/.test(typed.split('.')[1]!)) return { ok: false, error: `${currency} has no decimal places.` };
  try {
    const minor = parseAmount(typed.replace(/,/g, ''), currency);
    if (minor <= 0n) return { ok: false, error: 'Enter an amount above zero.' };
    return { ok: true, minor };
  } catch (error) {
    if (isMoneyError(error) && error.code === 'TOO_MANY_DECIMALS') return { ok: false, error: `${currency} takes at most ${exponent} decimal places.` };
    if (isMoneyError(error)) return { ok: false, error: 'That amount is too large.' };
    throw error;
  }
}
