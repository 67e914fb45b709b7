import { describe, expect, it } from 'vitest';
import {
  CURRENCY_EXPONENTS,
  MoneyError,
  assertAmount,
  checkAmount,
  compareAmounts,
  compareMoney,
  formatAmount,
  fromWireValue,
  moneyFromWire,
  parseAmount,
  roundHalfEven,
  toMajorString,
  toWireValue,
} from './index';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MoneyError);
    return (e as MoneyError).code;
  }
  return 'NO_ERROR';
}

describe('exponent table (ams-api.md §1.7)', () => {
  it('has 2 decimals for IDR and TWD, 0 for JPY/KRW/VND/CLP', () => {
    expect(CURRENCY_EXPONENTS.IDR).toBe(2);
    expect(CURRENCY_EXPONENTS.TWD).toBe(2);
    for (const c of ['JPY', 'KRW', 'VND', 'CLP'] as const) expect(CURRENCY_EXPONENTS[c]).toBe(0);
    expect(Object.keys(CURRENCY_EXPONENTS)).toHaveLength(24);
  });
});

describe('parseAmount', () => {
  it.each([
    ['12.34', 'USD', 1234n],
    ['12.3', 'USD', 1230n],
    ['12', 'USD', 1200n],
    ['0.01', 'HKD', 1n],
    ['1.230', 'USD', 123n],
    ['100', 'JPY', 100n],
    ['100.00', 'KRW', 100n],
    ['-0.05', 'MYR', -5n],
    ['300', 'IDR', 30000n],
    ['99999999999999.99', 'USD', 9999999999999999n],
    ['9999999999999999', 'VND', 9999999999999999n],
  ])('%s %s → %s', (major, cur, minor) => expect(parseAmount(major, cur)).toBe(minor));

  it.each(['', ' 1', '1,000', '1e3', '.5', '5.', '+1', 'NaN', '١٢'])('rejects %j', (s) => expect(code(() => parseAmount(s, 'USD'))).toBe('INVALID_AMOUNT'));
  it('rejects sub-minor digits instead of rounding', () => {
    expect(code(() => parseAmount('1.005', 'USD'))).toBe('TOO_MANY_DECIMALS');
    expect(code(() => parseAmount('1.5', 'JPY'))).toBe('TOO_MANY_DECIMALS');
  });
  it('rejects more than 16 minor digits', () => expect(code(() => parseAmount('100000000000000.00', 'USD'))).toBe('TOO_LARGE'));
  it('rejects unknown currencies', () => expect(code(() => parseAmount('1', 'XXX'))).toBe('UNKNOWN_CURRENCY'));
});

describe('wire values', () => {
  it('round-trips', () => {
    expect(toWireValue(100n)).toBe('100');
    expect(fromWireValue('9901')).toBe(9901n);
    expect(fromWireValue('9999999999999999')).toBe(9999999999999999n);
  });
  it.each(['', '-1', '1.00', '1e2', ' 1', '12345678901234567', '0x10'])('fromWireValue rejects %j', (s) =>
    expect(code(() => fromWireValue(s))).toBe('INVALID_AMOUNT'));
  it('toWireValue rejects negatives and > 16 digits', () => {
    expect(code(() => toWireValue(-1n))).toBe('NEGATIVE');
    expect(code(() => toWireValue(10n ** 16n))).toBe('TOO_LARGE');
  });
  it('moneyFromWire checks the currency', () => {
    expect(moneyFromWire({ currency: 'KRW', value: '50' })).toEqual({ currency: 'KRW', minor: 50n });
    expect(code(() => moneyFromWire({ currency: 'ABC', value: '50' }))).toBe('UNKNOWN_CURRENCY');
  });
});

describe('toMajorString / formatAmount', () => {
  it('is exact', () => {
    expect(toMajorString(5n, 'USD')).toBe('0.05');
    expect(toMajorString(-5n, 'USD')).toBe('-0.05');
    expect(toMajorString(5n, 'JPY')).toBe('5');
    expect(toMajorString(9999999999999999n, 'USD')).toBe('99999999999999.99');
  });
  it('formats through Intl with the table, not CLDR', () => {
    expect(formatAmount(123456n, 'USD', 'en-US')).toBe('$1,234.56');
    expect(formatAmount(1234n, 'JPY', 'ja-JP')).toBe('￥1,234');
    expect(formatAmount(9901n, 'KRW', 'ko-KR')).toBe('₩9,901');
    expect(formatAmount(123450n, 'TWD', 'en-US')).toMatch(/1,234\.50$/);
    expect(formatAmount(9999999999999999n, 'USD', 'en-US')).toBe('$99,999,999,999,999.99');
  });
  it('shows IDR whole rupiah without the zero decimals', () => {
    expect(formatAmount(1234500n, 'IDR', 'id-ID').replace(/\s/g, ' ')).toBe('Rp 12.345');
  });
  it('supports currency codes as display', () => {
    expect(formatAmount(100n, 'PHP', 'en-PH', { currencyDisplay: 'code' }).replace(/\s/g, ' ')).toBe('PHP 1.00');
  });
});

describe('checks', () => {
  it('enforces the IDR whole-rupiah rule', () => {
    expect(checkAmount(30000n, 'IDR')).toEqual([]);
    expect(checkAmount(30050n, 'IDR').map((i) => i.code)).toEqual(['NOT_MULTIPLE']);
  });
  it('enforces minimum and multiple-of', () => {
    expect(checkAmount(49n, 'KRW', { minAmount: 50n }).map((i) => i.code)).toEqual(['BELOW_MINIMUM']);
    expect(checkAmount(150n, 'TWD', { multipleOf: 100n }).map((i) => i.code)).toEqual(['NOT_MULTIPLE']);
    expect(checkAmount(0n, 'USD').map((i) => i.code)).toEqual(['NOT_POSITIVE']);
    expect(code(() => assertAmount(49n, 'KRW', { minAmount: 50n }))).toBe('BELOW_MINIMUM');
  });
  it('compares', () => {
    expect(compareAmounts(1n, 2n)).toBe(-1);
    expect(compareMoney({ currency: 'USD', minor: 2n }, { currency: 'USD', minor: 2n })).toBe(0);
    expect(code(() => compareMoney({ currency: 'USD', minor: 2n }, { currency: 'SGD', minor: 2n }))).toBe('CURRENCY_MISMATCH');
  });
  it('rounds half to even (IDR rule)', () => {
    expect(roundHalfEven(12350n, 100n)).toBe(12400n);
    expect(roundHalfEven(12250n, 100n)).toBe(12200n);
    expect(roundHalfEven(12251n, 100n)).toBe(12300n);
    expect(roundHalfEven(-12250n, 100n)).toBe(-12200n);
  });
});
