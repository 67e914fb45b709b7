import { describe, expect, it } from 'vitest';
import en from '@/messages/en/dashboard.json';
import zhCN from '@/messages/zh-CN/dashboard.json';
import { PAYMENT_EVENT_TYPES } from './payment-events';

describe('payment timeline wording', () => {
  it.each([
    ['en', en],
    ['zh-CN', zhCN],
  ] as const)('every payment event type has %s wording, so no timeline entry shows a raw code', (_locale, messages) => {
    const words = (messages as { paymentEvents: Record<string, string> }).paymentEvents;
    for (const type of PAYMENT_EVENT_TYPES) expect(words[type], type).toMatch(/\S/);
    expect(Object.keys(words).sort()).toEqual([...PAYMENT_EVENT_TYPES].sort());
  });
});
