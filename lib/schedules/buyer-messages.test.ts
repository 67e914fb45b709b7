import { describe, expect, it } from 'vitest';
import { LOCALES } from '@/i18n/locales';
import en from '@/messages/en/buyer.json';
import { buyerLocale, buyerTranslator } from './buyer-messages';
import { planEvery, planLine } from './plan-words';

const EMAIL_VALUES = { name: 'Maria', merchant: 'Sari-Sari', amount: '₱20.00', wallet: 'GCash', date: '1 May 2027', description: 'Box', reference: 'R1', retryDate: '2 May 2027', url: 'http://x/y' };

describe('buyer messages for plans and emails', () => {
  it('every buyer language has every plan, manage and email string of English, and each renders', () => {
    for (const locale of LOCALES) {
      const t = buyerTranslator(locale, { strict: true });
      for (const area of ['plan', 'email'] as const) {
        for (const key of Object.keys(en.buyer[area])) {
          const text = t(`${area}.${key}`, { ...EMAIL_VALUES, every: 'X', count: 2, unit: 'month', currency: 'PHP' });
          expect(text, `${locale} ${area}.${key}`).not.toContain('{');
        }
      }
      for (const status of ['ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID']) expect(t('manage.status', { status }).length).toBeGreaterThan(1);
      for (const unit of ['day', 'week', 'month', 'year']) {
        for (const count of [1, 3]) {
          const every = planEvery(t, { amountMinor: 49900n, currency: 'PHP', intervalUnit: unit, intervalCount: count, maxPeriods: null }, locale);
          expect(every, `${locale} ${unit} ${count}`).toMatch(/₱\s?499[.,]00|499[.,]00\s?₱/);
          if (count === 3) expect(every).toMatch(/3/);
        }
      }
    }
  });

  it('reads "₱499.00 every month from 1 May 2027" in English and says it in Filipino and Chinese', () => {
    const terms = { amountMinor: '49900', currency: 'PHP', intervalUnit: 'month', intervalCount: 1, maxPeriods: null };
    expect(planLine(buyerTranslator('en'), terms, '2027-05-01', 'en')).toBe('₱499.00 every month from May 1, 2027');
    expect(planLine(buyerTranslator('fil'), terms, '2027-05-01', 'fil')).toBe('₱499.00 bawat buwan simula Mayo 1, 2027');
    expect(planLine(buyerTranslator('zh-CN'), { ...terms, maxPeriods: 12 }, '2027-05-01', 'zh-CN')).toBe('每月₱499.00，自2027年5月1日起 · 共 12 次扣款');
    expect(buyerLocale('xx')).toBe('en');
    expect(buyerLocale('th')).toBe('th');
  });
});
