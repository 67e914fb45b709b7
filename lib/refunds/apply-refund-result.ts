import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { paymentEvents, payments, refunds, type Refund } from '@/lib/db/schema';

// PROVISIONAL (notifications branch): the refunds issue owns this file and replaces it at merge. Kept to
// the agreed contract: a guarded forward-only transition inside the caller's transaction.

export interface RefundResultInput {
  refundRequestId: string;
  refundId?: string;
  outcome: 'succeeded' | 'failed';
  resultCode: string;
  reason?: string;
  cause: 'notification' | 'inquiry' | 'refund';
  at: Date;
}

export type RefundResultApplied = { kind: 'applied' | 'duplicate'; refund: Refund } | { kind: 'unknown_refund'; refund: null };

/** PENDING/UNKNOWN → SUCCEEDED (reservation becomes refunded) or FAILED (reservation released), once. */
export async function applyRefundResult(db: Db, input: RefundResultInput): Promise<RefundResultApplied> {
  const to = input.outcome === 'succeeded' ? 'SUCCEEDED' : 'FAILED';
  const [applied] = await db
    .update(refunds)
    .set({
      status: to,
      ...(input.refundId ? { refundId: input.refundId } : {}),
      resultCode: input.resultCode,
      ...(to === 'FAILED' ? { failureCode: input.resultCode, failureMessage: input.reason ?? null } : {}),
      settledAt: input.at,
      updatedAt: input.at,
    })
    .where(and(eq(refunds.refundRequestId, input.refundRequestId), inArray(refunds.status, ['PENDING', 'UNKNOWN'])))
    .returning();
  if (!applied) {
    const [current] = await db.select().from(refunds).where(eq(refunds.refundRequestId, input.refundRequestId));
    return current ? { kind: 'duplicate', refund: current } : { kind: 'unknown_refund', refund: null };
  }
  await db
    .update(payments)
    .set({
      refundPendingMinor: sql`${payments.refundPendingMinor} - ${applied.amountMinor}`,
      ...(to === 'SUCCEEDED' ? { refundedMinor: sql`${payments.refundedMinor} + ${applied.amountMinor}` } : {}),
      updatedAt: input.at,
    })
    .where(eq(payments.id, applied.paymentId));
  await db.insert(paymentEvents).values({ paymentId: applied.paymentId, refundId: applied.id, type: `refund.${input.outcome}`, cause: input.cause, detail: { resultCode: input.resultCode } });
  return { kind: 'applied', refund: applied };
}
