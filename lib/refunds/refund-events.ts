import type { Db } from '@/lib/db/client';
import { recordPaymentEvents } from '@/lib/payments/payment-events';

/**
 * Timeline entries the refund domain writes on the payment (payment_events rows carrying the refund's id).
 * The dashboard words them under `payment.eventType` / `payment.event` (describe-payment-event.test.ts keeps
 * that wording complete), beside the payment's own PAYMENT_EVENT_TYPES.
 */
export const REFUND_EVENT_TYPES = [
  /** Staff asked for a refund; the amount is reserved on the payment. */
  'refund_requested',
  /** The answer to the first refund call (S, F, U, timeout, not sent). */
  'refund_answer',
  /** The resolver resent the identical request. */
  'refund_resend',
  /** The resolver asked inquiryRefund. */
  'refund_inquiry',
  /** The refund reached SUCCEEDED (reservation → refunded). */
  'refund_succeeded',
  /** The refund reached FAILED (reservation released). */
  'refund_failed',
  /** A result that contradicts the refund's final state arrived (kept for reconciliation, nothing moved). */
  'refund_contradiction',
] as const;

export type RefundEventType = (typeof REFUND_EVENT_TYPES)[number];
export type RefundEventCause = 'staff' | 'notification' | 'job' | 'system';

/** Appends one timeline entry. `detail` never carries tokens or request bodies. */
export async function recordRefundEvent(
  db: Db,
  input: { paymentId: string; refundId: string; type: RefundEventType; cause: RefundEventCause; detail?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await recordPaymentEvents(db, [input]);
}
