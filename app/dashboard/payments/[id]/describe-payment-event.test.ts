import { describe, expect, it } from 'vitest';
import en from '@/messages/en/dashboard.json';
import zh from '@/messages/zh-CN/dashboard.json';
import { describePaymentEvent } from './describe-payment-event';
import { REFUND_EVENT_TYPES } from '@/lib/refunds/refund-events';

function translator(messages: Record<string, unknown>) {
  return (key: string, values: Record<string, string | number> = {}) => {
    const template = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
    if (typeof template !== 'string') throw new Error(`missing message payment.${key}`);
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
  };
}

describe('describePaymentEvent', () => {
  const t = translator(en.payment);
  it('words a refund request with the formatted amount, not minor units', () => {
    expect(describePaymentEvent(t, 'refund_requested', { amountMinor: '1250', currency: 'PHP', reason: 'Damaged', by: 'ops@example.com' }, 'en-US')).toBe(
      'ops@example.com asked to refund ₱12.50: “Damaged”. The amount is reserved.',
    );
    expect(describePaymentEvent(t, 'refund_succeeded', { amountMinor: '9900', currency: 'KRW', via: 'inquiry' }, 'en-US')).toBe('₩9,900 refunded (via an inquiry).');
  });

  it('still shows an event type it does not know (a charge event from another domain) instead of hiding it', () => {
    expect(describePaymentEvent(t, 'pay_answer', { resultCode: 'SUCCESS', kind: 'succeeded' }, 'en-US')).toBe('resultCode: SUCCESS, kind: succeeded');
    expect(describePaymentEvent(t, 'pay_answer', { reason: 'Balance too low' }, 'en-US')).toBe('Balance too low');
  });

  it.each([['en', en.payment], ['zh-CN', zh.payment]] as const)('has a title and a sentence for every refund event type in %s', (_locale, messages) => {
    for (const type of REFUND_EVENT_TYPES) {
      expect((messages.eventType as Record<string, string>)[type]).toBeTruthy();
      expect((messages.event as Record<string, string>)[type]).toBeTruthy();
    }
    expect(Object.keys(messages)).toEqual(Object.keys(en.payment));
  });
});
