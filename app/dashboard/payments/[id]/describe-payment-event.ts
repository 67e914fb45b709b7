import { formatAmount } from '@/lib/money';

type Translate = (key: string, values?: Record<string, string | number>) => string;

const text = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : '—');

/**
 * One payment timeline entry in words. Refund entries (lib/refunds/refund-events.ts) are worded here; any
 * other type (part A's charge events) is still shown, as its reason or result code or key: value pairs.
 */
export function describePaymentEvent(t: Translate, type: string, detail: Record<string, unknown> | null, locale: string): string {
  const d = detail ?? {};
  const kind = (v: unknown) => (v === 'succeeded' || v === 'failed' || v === 'unknown' || v === 'not_sent' ? t(`kind.${v}`) : text(v));
  const money = () => {
    const minor = typeof d.amountMinor === 'string' && /^\d+$/.test(d.amountMinor) ? BigInt(d.amountMinor) : null;
    if (minor === null || typeof d.currency !== 'string') return '—';
    try {
      return formatAmount(minor, d.currency, locale);
    } catch {
      return `${d.amountMinor} ${d.currency}`;
    }
  };
  const via = (v: unknown) => (v === 'refund' || v === 'inquiry' || v === 'notification' ? t(`via.${v}`) : text(v));
  switch (type) {
    case 'refund_requested':
      return t('event.refund_requested', { by: text(d.by), amount: money(), reason: text(d.reason) });
    case 'refund_answer':
      return t('event.refund_answer', { kind: kind(d.kind), code: text(d.resultCode), reason: typeof d.reason === 'string' ? d.reason : '' }).trim();
    case 'refund_resend':
      return t('event.refund_resend', { attempt: text(d.attempt), kind: kind(d.kind), code: text(d.resultCode) });
    case 'refund_inquiry':
      return t('event.refund_inquiry', { attempt: text(d.attempt), kind: kind(d.kind), code: text(d.resultCode), status: text(d.refundStatus) });
    case 'refund_succeeded':
      return t('event.refund_succeeded', { amount: money(), via: via(d.via) });
    case 'refund_failed':
      return t('event.refund_failed', { amount: money(), code: text(d.resultCode), reason: typeof d.reason === 'string' && d.reason ? `: ${d.reason}` : '' });
    case 'refund_contradiction':
      return t('event.refund_contradiction', { reported: text(d.reported), code: text(d.resultCode), status: text(d.status) });
    default: {
      if (typeof d.reason === 'string' && d.reason) return d.reason;
      const pairs = Object.entries(d)
        .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `${k}: ${String(v)}`);
      return t('event.other', { detail: pairs.join(', ') || '—' });
    }
  }
}
