import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_LOCALES } from '@/i18n/locales';
import { CURRENCY_CODES, CURRENCY_EXPONENTS, MAX_MINOR_UNITS, type CurrencyCode } from './currency-exponents';
import { toMajorString } from './amount';
import { parseStaffAmount, STAFF_AMOUNT_SEPARATORS } from './parse-staff-amount';

const RUNS = 2_000;
const currency = fc.constantFrom(...(CURRENCY_CODES as readonly CurrencyCode[]));
const positive = fc.bigInt({ min: 1n, max: MAX_MINOR_UNITS });

/** How the dashboard itself writes an amount in this locale (exact: Intl formats the decimal string). */
function formatted(minor: bigint, code: CurrencyCode, locale: string, grouping = true): string {
  const exp = CURRENCY_EXPONENTS[code];
  const format = new Intl.NumberFormat(locale, { minimumFractionDigits: exp, maximumFractionDigits: exp, useGrouping: grouping });
  return format.format(toMajorString(minor, code) as unknown as number);
}

describe('parseStaffAmount — one parser for charges and refunds', () => {
  it.each([
    ['9,900', 'KRW', 9_900n],
    ['9900', 'KRW', 9_900n],
    ['12.50', 'PHP', 1_250n],
    ['12.5', 'PHP', 1_250n],
    ['0.10', 'CNY', 10n],
    ['1,234.50', 'PHP', 123_450n],
    ['1,234,567.89', 'PHP', 123_456_789n],
    ['1,500', 'JPY', 1_500n],
    ['125,000', 'VND', 125_000n],
    ['50,000', 'IDR', 5_000_000n],
    [' 10 ', 'USD', 1_000n],
    ['１２，５００．５０', 'PHP', 1_250_050n],
  ])('reads %j %s as %s minor units (never 100× off in zero-decimal currencies)', (typed, code, minor) => {
    expect(parseStaffAmount(typed, code)).toEqual({ ok: true, minor });
  });

  it.each([
    ['', 'PHP', /Enter an amount\./],
    ['   ', 'PHP', /Enter an amount\./],
    ['0', 'PHP', /above zero/],
    ['0.00', 'PHP', /above zero/],
    ['-5', 'PHP', /above zero/],
    ['12 50', 'PHP', /space inside/],
    ['1 2 3 4', 'PHP', /space inside/],
    ['1 234.50', 'PHP', /space inside/],
    ['12\u00a050', 'PHP', /space inside/],
    ['12,50', 'PHP', /groups of three/],
    ['1,00', 'PHP', /groups of three/],
    ['1,2345', 'PHP', /groups of three/],
    [',123', 'PHP', /groups of three/],
    ['0,123', 'PHP', /groups of three/],
    ['1,,234', 'PHP', /groups of three/],
    ['12.5,0', 'PHP', /before the point/],
    ['1.2.3', 'PHP', /more than one decimal point/],
    ['12.', 'PHP', /both sides of the point/],
    ['.5', 'PHP', /both sides of the point/],
    ['12.505', 'PHP', /at most 2 decimal places/],
    ['12.500', 'PHP', /at most 2 decimal places/],
    ['9.5', 'KRW', /KRW has no decimal places/],
    ['9,900.0', 'KRW', /KRW has no decimal places/],
    ['1e3', 'PHP', /not an amount/],
    ['+5', 'PHP', /not an amount/],
    ['12,50 €', 'PHP', /space inside/],
    ['₱12.50', 'PHP', /not an amount/],
    ['99999999999999999', 'PHP', /too large/],
    ['10', 'XXX', /not a currency/],
  ])('refuses %j %s with a sentence saying why', (typed, code, message) => {
    const result = parseStaffAmount(typed, code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it.each(DASHBOARD_LOCALES)('the separators it accepts are the ones the %s dashboard writes', (locale) => {
    const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
    expect(parts.find((p) => p.type === 'group')?.value).toBe(STAFF_AMOUNT_SEPARATORS.group);
    expect(parts.find((p) => p.type === 'decimal')?.value).toBe(STAFF_AMOUNT_SEPARATORS.decimal);
    // Groups of three.
    expect(parts.filter((p) => p.type === 'integer').map((p) => p.value.length)).toEqual([1, 3, 3]);
  });
});

describe('parseStaffAmount properties (fast-check)', () => {
  it.each(DASHBOARD_LOCALES)('reads back every amount as the %s dashboard formats it, grouped or not', (locale) => {
    fc.assert(
      fc.property(positive, currency, fc.boolean(), (minor, code, grouping) => {
        expect(parseStaffAmount(formatted(minor, code, locale, grouping), code)).toEqual({ ok: true, minor });
      }),
      { numRuns: RUNS },
    );
  });

  it('a space inside an amount is refused, never removed ("12 50" is not 1,250)', () => {
    const withSpace = fc.tuple(positive, currency, fc.nat(), fc.constantFrom(' ', '\u00a0', '\u2009', '\t')).filter(([m, c]) => formatted(m, c, 'en').length > 1);
    fc.assert(
      fc.property(withSpace, ([minor, code, at, space]) => {
        const text = formatted(minor, code, 'en');
        const i = 1 + (at % (text.length - 1));
        const result = parseStaffAmount(text.slice(0, i) + space + text.slice(i), code);
        expect(result.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('a comma moved out of its thousands place is refused', () => {
    const grouped = fc.tuple(fc.bigInt({ min: 100_000n, max: MAX_MINOR_UNITS }), currency, fc.nat(), fc.nat());
    fc.assert(
      fc.property(grouped, ([minor, code, pick, shift]) => {
        const text = formatted(minor, code, 'en');
        const commas = [...text].flatMap((c, i) => (c === ',' ? [i] : []));
        if (commas.length === 0) return;
        const from = commas[pick % commas.length]!;
        const without = text.slice(0, from) + text.slice(from + 1);
        const to = 1 + (shift % (without.length - 1));
        const moved = without.slice(0, to) + ',' + without.slice(to);
        if (moved === text) return;
        expect(parseStaffAmount(moved, code).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('more decimals than the currency has are refused, never rounded', () => {
    fc.assert(
      fc.property(positive, currency, fc.integer({ min: 0, max: 9 }), (minor, code, digit) => {
        const text = formatted(minor, code, 'en');
        const longer = CURRENCY_EXPONENTS[code] === 0 ? `${text}.${digit}` : `${text}${digit}`;
        expect(parseStaffAmount(longer, code).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('whatever is typed, an accepted amount is exactly its digits (commas only group, never mark decimals)', () => {
    const typed = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', ',', '.', ' ', '-'), maxLength: 14 });
    fc.assert(
      fc.property(typed, currency, (text, code) => {
        const result = parseStaffAmount(text, code);
        if (!result.ok) return;
        const [whole, fraction = ''] = text.trim().replaceAll(',', '').split('.');
        const exp = CURRENCY_EXPONENTS[code];
        expect(result.minor).toBe(BigInt(whole! + fraction.padEnd(exp, '0')));
        expect(result.minor > 0n).toBe(true);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
