import { describe, expect, it } from 'vitest';
import { CURRENCY_EXPONENTS } from '../money';
import { PAYMENT_METHODS, checkPaymentMethodAmount, getPaymentMethod } from './catalog';

describe('PAYMENT_METHODS', () => {
  it('covers the 16 methods of ams-api.md §14 (GrabPay as three codes)', () => {
    expect(new Set(PAYMENT_METHODS.map((m) => m.methodNumber)).size).toBe(16);
    expect(PAYMENT_METHODS).toHaveLength(18);
    expect(new Set(PAYMENT_METHODS.map((m) => m.code)).size).toBe(18);
  });
  it('has well-formed entries', () => {
    for (const m of PAYMENT_METHODS) {
      expect(m.code).toMatch(/^[A-Z_]+$/);
      expect(m.brandColor).toMatch(/^#[0-9A-F]{6}$/);
      expect(m.regions.every((r) => /^[A-Z]{2}$/.test(r))).toBe(true);
      expect(CURRENCY_EXPONENTS[m.currency]).toBeDefined();
      expect(typeof m.minAmount).toBe('bigint');
      expect(() => new Intl.Locale(m.locale)).not.toThrow();
      expect(m.unverified.length).toBeGreaterThan(0);
      expect(Object.isFrozen(m)).toBe(true);
    }
  });
  it('records the facts from §1.7 / §14', () => {
    expect(getPaymentMethod('PAYPAY')?.requiresRecurringPayment).toBe(true);
    expect(PAYMENT_METHODS.filter((m) => m.requiresRecurringPayment).map((m) => m.code)).toEqual(['PAYPAY']);
    expect(getPaymentMethod('DANA')).toMatchObject({ currency: 'IDR', minAmount: 30000n });
    expect(getPaymentMethod('KAKAOPAY')).toMatchObject({ currency: 'KRW', minAmount: 50n });
    expect(getPaymentMethod('GCASH')).toMatchObject({ currency: 'PHP', minAmount: 100n, locale: 'fil-PH' });
    expect(getPaymentMethod('ALIPAY_CN')?.notifiesRevocation).toBe(true);
    expect(getPaymentMethod('GRABPAY_ID')).toBeUndefined();
  });
  it('checks amounts against wallet rules', () => {
    expect(checkPaymentMethodAmount('KAKAOPAY', 49n, 'KRW').map((i) => i.code)).toEqual(['BELOW_MINIMUM']);
    expect(checkPaymentMethodAmount('DANA', 30050n, 'IDR').map((i) => i.code)).toEqual(['NOT_MULTIPLE']);
    expect(checkPaymentMethodAmount('ALIPAY_CN', 30_000_001n, 'CNY').map((i) => i.code)).toEqual(['TOO_LARGE']);
    // Another currency: only the currency's own rules apply (Antom converts).
    expect(checkPaymentMethodAmount('KAKAOPAY', 1n, 'USD')).toEqual([]);
  });
});
