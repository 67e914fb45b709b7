import type { AlipayPaymentNotification } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { applyPaymentResult } from '@/lib/payments/apply-payment-result';
import type { NotificationEffect } from './notification-effect';

/**
 * PAYMENT_RESULT (inside the inbox transaction): S or F finishes the payment through the one payment
 * transition (so the resolver finds it final and stops); U and PAYMENT_PENDING are stored, not final.
 */
export async function applyPaymentNotification(tx: Db, n: AlipayPaymentNotification, at: Date): Promise<NotificationEffect> {
  const base = { objectType: 'payment' as const, objectRef: n.paymentRequestId };
  if (n.type === 'PAYMENT_PENDING' || n.outcome === 'unknown') return { ...base, outcome: 'not_final', detail: `${n.result.resultStatus} ${n.result.resultCode}` };
  const result = await applyPaymentResult(tx, {
    paymentRequestId: n.paymentRequestId,
    paymentId: n.paymentId,
    outcome: n.outcome === 'success' ? 'succeeded' : 'failed',
    resultCode: n.result.resultCode,
    reason: n.result.resultMessage ?? undefined,
    cause: 'notification',
    at,
  });
  if (result.kind === 'unknown_payment') return { ...base, objectType: null, outcome: 'unknown_object', detail: 'No payment has this paymentRequestId.' };
  // applyPaymentResult audits the status change it made (source: notification) in this transaction.
  const detail = result.kind === 'flagged' ? `Kept ${result.payment.status}; flagged for reconciliation.` : `Payment is ${result.payment.status}.`;
  return { ...base, outcome: result.kind, detail };
}
