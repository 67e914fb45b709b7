import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, apiCalls, customers, paymentEvents, payments, refunds, staffUsers, type PaymentStatus, type RefundStatus } from '@/lib/db/schema';
import { refundSubject } from '@/lib/refunds/refund-deps';
import { isUuid } from '@/lib/db/is-uuid';

export interface PaymentDetail {
  payment: {
    id: string;
    status: PaymentStatus;
    paymentMethod: string;
    amountMinor: bigint;
    currency: string;
    refundedMinor: bigint;
    refundPendingMinor: bigint;
    paymentRequestId: string;
    paymentId: string | null;
    referenceOrderId: string;
    /** 1 for the first attempt of its charge intent (order reference), then 2, 3 … */
    attemptNumber: number;
    description: string;
    initiator: string;
    resultCode: string | null;
    failureCode: string | null;
    failureMessage: string | null;
    reconciliationFlag: string | null;
    succeededAt: Date | null;
    failedAt: Date | null;
    cancelledAt: Date | null;
    /** Antom's paymentTime. */
    paymentTime: Date | null;
    /** Set while a cancel holds the payment (refunds wait). */
    cancelClaimedAt: Date | null;
    createdAt: Date;
  };
  customer: { id: string; name: string; reference: string };
  agreement: { id: string; userLoginIdMasked: string | null };
  /** Newest first. */
  refunds: {
    id: string;
    amountMinor: bigint;
    currency: string;
    status: RefundStatus;
    reason: string;
    failureCode: string | null;
    failureMessage: string | null;
    requestedBy: string | null;
    createdAt: Date;
    settledAt: Date | null;
  }[];
  /** payment_events and api_calls about this payment, oldest first. */
  timeline: TimelineEntry[];
}

export type TimelineEntry =
  | { kind: 'event'; id: string; at: Date; type: string; cause: string; refundId: string | null; detail: Record<string, unknown> | null }
  | { kind: 'call'; id: string; at: Date; endpoint: string; attempt: number; outcome: string | null; resultCode: string | null; errorCode: string | null; durationMs: number };

/** Enough for any real payment's history; the API call log page has the rest. */
const TIMELINE_LIMIT = 300;

/**
 * One payment for its detail page: display columns (never the sealed request body or token material), its
 * refunds, and one timeline of its events and its AMS calls (api_calls with subject `payment:<id>`).
 */
export async function getPaymentDetail(db: Db, id: string): Promise<PaymentDetail | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({
      payment: {
        id: payments.id,
        status: payments.status,
        paymentMethod: payments.paymentMethod,
        amountMinor: payments.amountMinor,
        currency: payments.currency,
        refundedMinor: payments.refundedMinor,
        refundPendingMinor: payments.refundPendingMinor,
        paymentRequestId: payments.paymentRequestId,
        paymentId: payments.paymentId,
        referenceOrderId: payments.referenceOrderId,
        attemptNumber: payments.attemptNumber,
        description: payments.description,
        initiator: payments.initiator,
        resultCode: payments.resultCode,
        failureCode: payments.failureCode,
        failureMessage: payments.failureMessage,
        reconciliationFlag: payments.reconciliationFlag,
        succeededAt: payments.succeededAt,
        failedAt: payments.failedAt,
        cancelledAt: payments.cancelledAt,
        paymentTime: payments.paymentTime,
        cancelClaimedAt: payments.cancelClaimedAt,
        createdAt: payments.createdAt,
      },
      customer: { id: customers.id, name: customers.name, reference: customers.reference },
      agreement: { id: agreements.id, userLoginIdMasked: agreements.userLoginIdMasked },
    })
    .from(payments)
    .innerJoin(customers, eq(customers.id, payments.customerId))
    .innerJoin(agreements, eq(agreements.id, payments.agreementId))
    .where(eq(payments.id, id))
    .limit(1);
  if (!row) return null;

  const [refundRows, events, calls] = await Promise.all([
    db
      .select({
        id: refunds.id,
        amountMinor: refunds.amountMinor,
        currency: refunds.currency,
        status: refunds.status,
        reason: refunds.reason,
        failureCode: refunds.failureCode,
        failureMessage: refunds.failureMessage,
        requestedBy: staffUsers.email,
        createdAt: refunds.createdAt,
        settledAt: refunds.settledAt,
      })
      .from(refunds)
      .leftJoin(staffUsers, eq(staffUsers.id, refunds.initiatedBy))
      .where(eq(refunds.paymentId, id))
      .orderBy(desc(refunds.createdAt)),
    db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, id)).orderBy(asc(paymentEvents.createdAt)).limit(TIMELINE_LIMIT),
    db
      .select({
        id: apiCalls.id,
        createdAt: apiCalls.createdAt,
        endpoint: apiCalls.endpoint,
        attempt: apiCalls.attempt,
        outcome: apiCalls.outcome,
        resultCode: apiCalls.resultCode,
        errorCode: apiCalls.errorCode,
        durationMs: apiCalls.durationMs,
      })
      .from(apiCalls)
      .where(eq(apiCalls.subject, refundSubject(id)))
      .orderBy(asc(apiCalls.createdAt))
      .limit(TIMELINE_LIMIT),
  ]);

  const timeline: TimelineEntry[] = [
    ...events.map((e) => ({ kind: 'event' as const, id: e.id, at: e.createdAt, type: e.type, cause: e.cause, refundId: e.refundId, detail: e.detail ?? null })),
    ...calls.map((c) => ({
      kind: 'call' as const,
      id: c.id.toString(),
      at: c.createdAt,
      endpoint: c.endpoint,
      attempt: c.attempt,
      outcome: c.outcome,
      resultCode: c.resultCode,
      errorCode: c.errorCode,
      durationMs: c.durationMs,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  return { payment: row.payment, customer: row.customer, agreement: row.agreement, refunds: refundRows, timeline };
}
