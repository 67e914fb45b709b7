import type { AlipayClient, EndpointRequest } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import type { Payment, Refund } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { toWireValue } from '@/lib/money';

/** What the refund services need; the app builds it from env (lib/refunds/app-deps.ts), jobs and tests by hand. */
export interface RefundDeps {
  db: Db;
  alipay: Pick<AlipayClient, 'refund' | 'inquiryRefund' | 'serialize'>;
  /** Schedules the refund resolver (lib/jobs `enqueue`, or `enqueueJob` in the web process). */
  enqueue: Enqueue;
  /** Absolute refundNotifyUrl (a server constant); omitted → the Dashboard's URL applies. */
  refundNotifyUrl?: string;
  now?: () => Date;
}

export function nowOf(deps: Pick<RefundDeps, 'now'>): Date {
  return deps.now?.() ?? new Date();
}

/** The resolver's queue; one waiting job per refund (`singletonKey`). */
export const REFUND_RESOLVE_JOB = 'refund-resolve';
/** Identical resends before the resolver switches to inquiryRefund. */
export const MAX_REFUND_RESENDS = 3;

export function refundSubject(paymentId: string): string {
  return `payment:${paymentId}`;
}

/**
 * The refund request for a stored refund, rebuilt from the row. Everything in it is stored (ids, amount,
 * reason, our own refund id as referenceRefundId) so a resend serialises to the same bytes as the first
 * send, which the saved hash then proves before anything leaves the process.
 */
export function buildRefundRequest(
  refund: Pick<Refund, 'id' | 'refundRequestId' | 'amountMinor' | 'currency' | 'reason'>,
  payment: Pick<Payment, 'paymentId'>,
  refundNotifyUrl: string | undefined,
): EndpointRequest<'refund'> {
  if (!payment.paymentId) throw new Error('a refundable payment always has Antom’s paymentId');
  return {
    refundRequestId: refund.refundRequestId,
    paymentId: payment.paymentId,
    refundAmount: { currency: refund.currency, value: toWireValue(refund.amountMinor) },
    referenceRefundId: refund.id,
    refundReason: refund.reason,
    ...(refundNotifyUrl ? { refundNotifyUrl } : {}),
  };
}
