import { CURRENCY_EXPONENTS, isCurrencyCode, MAX_MINOR_UNITS } from './currency-exponents';

export type StaffAmount = { ok: true; minor: bigint } | { ok: false; error: string };

/**
 * The separators of every dashboard locale (en, zh-CN): a comma between groups of three digits, a point
 * before the decimals. lib/money/parse-staff-amount.test.ts checks them against Intl for each dashboard
 * locale, so a locale that writes numbers otherwise cannot be added without this parser learning it.
 */
export const STAFF_AMOUNT_SEPARATORS = { group: ',', decimal: '.' } as const;

// Full-width digits, comma and point, as a Chinese input method types them: the same characters.
const FULL_WIDTH = /[\uFF10-\uFF19\uFF0C\uFF0E]/g;
const GROUPED = /^[1-9][0-9]{0,2}(?:,[0-9]{3})+$/;

/**
 * An amount as a staff member types it on the dashboard — "9,900" KRW, "1,234.50" PHP — to exact minor
 * units of `currency`, or a sentence saying what is wrong. The one parser for charges and refunds.
 *
 * Accepts digits, commas only between groups of three ("1,234,567"; no grouping at all is fine too), and
 * one point before at most as many decimals as the currency has. Refuses, never guesses: spaces inside the
 * number ("12 50" could be 12.50 or 1,250), a comma anywhere else ("12,50", "1,00"), a second point,
 * decimals in a currency without them or more than it has ("12.500" PHP may mean 12,500 to someone used
 * to a point between thousands), signs, exponents, zero, more than Antom's 16 minor-unit digits.
 * Never rounds and never goes through a float.
 */
export function parseStaffAmount(typed: string, currency: string): StaffAmount {
  if (!isCurrencyCode(currency)) return { ok: false, error: `${currency} is not a currency Antom accepts.` };
  const exponent = CURRENCY_EXPONENTS[currency];
  const shown = typed.trim();
  const text = shown.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

  if (text === '') return { ok: false, error: 'Enter an amount.' };
  if (text.startsWith('-')) return { ok: false, error: 'Enter an amount above zero.' };
  if (/\s/.test(text)) return { ok: false, error: `"${shown}" has a space inside: type the amount without spaces, with commas between thousands (e.g. 1,234.50).` };
  if (!/^[0-9.,]+$/.test(text)) return { ok: false, error: `"${shown}" is not an amount: use digits, commas between thousands and a point for decimals (e.g. 1,234.50).` };

  const [whole = '', fraction, extra] = text.split('.');
  if (extra !== undefined) return { ok: false, error: `"${shown}" has more than one decimal point.` };
  if (whole === '' || fraction === '') return { ok: false, error: `"${shown}" is not an amount: put digits on both sides of the point (e.g. 0.50).` };
  if (whole.includes(',') && !GROUPED.test(whole)) {
    return { ok: false, error: `"${shown}": commas go only between groups of three digits (1,234,567); decimals follow a point (12.50).` };
  }
  if (fraction?.includes(',')) return { ok: false, error: `"${shown}": commas go only between thousands, before the point.` };
  if (fraction !== undefined && fraction.length > exponent) {
    return { ok: false, error: exponent === 0 ? `${currency} has no decimal places: type whole ${currency} (e.g. 9,900).` : `${currency} takes at most ${exponent} decimal places.` };
  }

  const digits = whole.replaceAll(',', '') + (fraction ?? '').padEnd(exponent, '0');
  const minor = BigInt(digits);
  if (minor === 0n) return { ok: false, error: 'Enter an amount above zero.' };
  if (minor > MAX_MINOR_UNITS) return { ok: false, error: 'That amount is too large.' };
  return { ok: true, minor };
}
