import { describe, expect, it } from 'vitest';
import { parseStaffAmount } from './parse-staff-amount';

describe('parseStaffAmount', () => {
  it.each([
    ['9,900', 'KRW', 9_900n],
    ['9900', 'KRW', 9_900n],
    ['12.50', 'PHP', 1_250n],
    ['12.5', 'PHP', 1_250n],
    ['1,234,567.89', 'PHP', 123_456_789n],
    ['1,500', 'JPY', 1_500n],
    ['125,000', 'VND', 125_000n],
    ['50,000', 'IDR', 5_000_000n],
    ['12.50', 'CNY', 1_250n],
    [' 10 ', 'USD', 1_000n],
  ])('reads %s %s as %s minor units (never 100× in zero-decimal currencies)', (text, currency, minor) => {
    expect(parseStaffAmount(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ['', 'PHP', /Enter an amount/],
    ['0', 'PHP', /above zero/],
    ['0.00', 'PHP', /above zero/],
    ['-5', 'PHP', /above zero/],
    ['12.505', 'PHP', /at most 2 decimal/],
    ['9,900.5', 'KRW', /no decimal places/],
    ['12,5', 'PHP', /not an amount/],
    ['1e3', 'PHP', /not an amount/],
    ['1.2.3', 'PHP', /not an amount/],
    ['99999999999999999', 'PHP', /too large/],
    ['10', 'XXX', /not a currency/],
  ])('refuses %j in %s with a precise sentence', (text, currency, message) => {
    const parsed = parseStaffAmount(text, currency);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
