import { isCurrencyCode, isMoneyError, parseAmount } from '@/lib/money';

/** What a person may type: digits with optional thousands commas ("9,900", "1,234.50") or none ("12.50"). */
const TYPED = /^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$/;

/**
 * A staff-typed major-unit amount → minor units of `currency`, or the sentence that says what is wrong.
 * Commas are accepted only as thousands separators, so "1,00" is refused rather than read as 100 or 1.00;
 * too many decimals for the currency ("12.345" PHP, "9.5" KRW) is refused, never rounded.
 */
export function parseStaffAmount(typed: string, currency: string): { ok: true; minor: bigint } | { ok: false; error: string } {
  const text = typed.trim();
  if (!isCurrencyCode(currency)) return { ok: false, error: `${currency} is not a currency Antom supports.` };
  if (!TYPED.test(text)) return { ok: false, error: `"${typed}" is not an amount: type digits, like 9,900 or 12.50.` };
  try {
    const minor = parseAmount(text.replaceAll(',', ''), currency);
    if (minor <= 0n) return { ok: false, error: 'The amount must be more than zero.' };
    return { ok: true, minor };
  } catch (error) {
    if (isMoneyError(error)) {
      if (error.code === 'TOO_MANY_DECIMALS') return { ok: false, error: `${currency} amounts have ${decimalsOf(currency)}: "${typed}" has more.` };
      return { ok: false, error: error.message };
    }
    throw error;
  }
}

function decimalsOf(currency: string): string {
  const digits = parseAmount('1', currency).toString().length - 1;
  return digits === 0 ? 'no decimals' : `${digits} decimal place${digits === 1 ? '' : 's'}`;
}
