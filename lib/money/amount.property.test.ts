import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAYMENT_METHODS } from '../alipay/catalog';
import { CURRENCY_EXPONENTS, MAX_MINOR_UNITS, formatAmount, fromWireValue, parseAmount, toMajorString, toWireValue, type CurrencyCode } from './index';

const RUNS = 10_000;
const catalogCurrencies = [...new Set(PAYMENT_METHODS.map((m) => m.currency))].sort();
const minor = fc.bigInt({ min: -MAX_MINOR_UNITS, max: MAX_MINOR_UNITS });
const wire = fc.bigInt({ min: 0n, max: MAX_MINOR_UNITS });

describe.each(catalogCurrencies)('money round-trips in %s (fast-check, 10,000 cases each)', (currency: CurrencyCode) => {
  const exp = CURRENCY_EXPONENTS[currency];

  it('parseAmount(toMajorString(x)) === x', () => {
    fc.assert(
      fc.property(minor, (x) => parseAmount(toMajorString(x, currency), currency) === x),
      { numRuns: RUNS },
    );
  });

  it('fromWireValue(toWireValue(x)) === x, and the wire form is plain digits', () => {
    fc.assert(
      fc.property(wire, (x) => {
        const w = toWireValue(x);
        return /^[0-9]{1,16}$/.test(w) && fromWireValue(w) === x;
      }),
      { numRuns: RUNS },
    );
  });

  it('trailing zeros below the minor unit do not change the value', () => {
    fc.assert(
      fc.property(minor, fc.integer({ min: 1, max: 4 }), (x, zeros) => {
        const major = toMajorString(x, currency);
        const padded = major.includes('.') ? major + '0'.repeat(zeros) : `${major}.${'0'.repeat(zeros)}`;
        return parseAmount(padded, currency) === x;
      }),
      { numRuns: RUNS },
    );
  });

  it('formatAmount shows exactly the digits of the amount (no float rounding)', () => {
    fc.assert(
      fc.property(minor, (x) => {
        const shown = currency === 'IDR' && x % 100n === 0n ? 0 : exp;
        const digits = formatAmount(x, currency, 'en-US').replace(/[^0-9]/g, '');
        const abs = x < 0n ? -x : x;
        expect(BigInt(digits)).toBe(abs / 10n ** BigInt(exp - shown));
        return true;
      }),
      { numRuns: RUNS },
    );
  });
});
