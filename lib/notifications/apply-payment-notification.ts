import type { AlipayPaymentNotification } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { applyPaymentResult, type PaymentResultInput } from '@/lib/payments/apply-payment-result';
import type { NotificationEffect } from './notification-effect';

/** The payment result a final PAYMENT_RESULT (S or F) carries; null for U and PAYMENT_PENDING (not final). */
export function finalPaymentResult(n: AlipayPaymentNotification, at: Date): PaymentResultInput | null {
  if (n.type === 'PAYMENT_PENDING' || n.outcome === 'unknown') return null;
  return {
    paymentRequestId: n.paymentRequestId,
    paymentId: n.paymentId,
    outcome: n.outcome === 'success' ? 'succeeded' : 'failed',
    resultCode: n.result.resultCode,
    reason: n.result.resultMessage ?? undefined,
    cause: 'notification',
    at,
    amount: n.paymentAmount,
    paymentTime: n.paymentTime ?? null,
  };
}

/** The inbox detail of a result that moved (or already held) the payment to `status`. */
export function paymentIsDetail(status: string): string {
  return `Payment is ${status}.`;
}

/**
 * PAYMENT_RESULT (inside the inbox transaction): S or F finishes the payment through the one payment
 * transition (so the resolver finds it final and stops); U and PAYMENT_PENDING are stored, not final.
 * The common case, a final result for an open payment, is first tried in one statement
 * (apply-payment-result-at-once.ts); this is where everything else is decided.
 */
export async function applyPaymentNotification(tx: Db, n: AlipayPaymentNotification, at: Date): Promise<NotificationEffect> {
  const base = { objectType: 'payment' as const, objectRef: n.paymentRequestId };
  const input = finalPaymentResult(n, at);
  if (!input) return { ...base, outcome: 'not_final', detail: `${n.result.resultStatus} ${n.result.resultCode}` };
  const result = await applyPaymentResult(tx, input);
  if (result.kind === 'unknown_payment') return { ...base, objectType: null, outcome: 'unknown_object', detail: 'No payment has this paymentRequestId.' };
  // applyPaymentResult audits the status change it made (source: notification) in this transaction.
  const detail = result.kind === 'flagged' ? `Kept ${result.payment.status}; flagged for reconciliation.` : paymentIsDetail(result.payment.status);
  return { ...base, outcome: result.kind, detail };
}
