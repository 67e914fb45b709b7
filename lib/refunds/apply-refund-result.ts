import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { payments, refunds, type Refund } from '@/lib/db/schema';
import { recordRefundEvent, type RefundEventCause } from './refund-events';

export interface ApplyRefundResultInput {
  refundRequestId: string;
  /** Antom's refund id, when the answer carried one. */
  refundId?: string | null;
  outcome: 'succeeded' | 'failed';
  resultCode: string;
  /** The failure in words (F); shown on the payment page. */
  reason?: string;
  cause: 'notification' | 'inquiry' | 'refund';
  at: Date;
  /** Antom's refundTime (ISO 8601 with offset), stored for reconciliation's GMT+8 day. */
  refundTime?: string | null;
}

export type ApplyRefundResultKind = 'applied' | 'duplicate' | 'unknown_refund';
export type ApplyRefundResultOutcome = { kind: 'applied' | 'duplicate'; refund: Refund } | { kind: 'unknown_refund'; refund: null };

/**
 * THE one way a refund reaches a final state, whoever learnt it first (the refund answer, a resend, the
 * resolver's inquiry, notifyRefund): a forward-only guarded transition PENDING/UNKNOWN → SUCCEEDED | FAILED
 * and, only when that transition happened, the matching move of the payment's reservation
 * (SUCCEEDED: pending → refunded; FAILED: pending released) and a timeline entry.
 *
 * Run it inside a transaction (`db.transaction((tx) => applyRefundResult(tx, …))`): the refund row and the
 * payment's counters must commit together. A second delivery of the same result is `duplicate` and moves
 * nothing; a result contradicting a final state is `duplicate` too, with a `refund_contradiction` entry
 * for reconciliation (a final state is never rewritten).
 */
export async function applyRefundResult(db: Db, input: ApplyRefundResultInput): Promise<ApplyRefundResultOutcome> {
  const [existing] = await db.select().from(refunds).where(eq(refunds.refundRequestId, input.refundRequestId)).limit(1);
  if (!existing) return { kind: 'unknown_refund', refund: null };
  const cause: RefundEventCause = input.cause === 'notification' ? 'notification' : input.cause === 'inquiry' ? 'job' : 'system';

  const to = input.outcome === 'succeeded' ? 'SUCCEEDED' : 'FAILED';
  const moved = await guardedTransition(db, refunds, {
    id: existing.id,
    from: ['PENDING', 'UNKNOWN'],
    to,
    set: {
      resultCode: input.resultCode,
      settledAt: input.at,
      updatedAt: input.at,
      ...(input.refundId ? { refundId: input.refundId } : {}),
      ...(antomTime(input.refundTime) ? { refundTime: antomTime(input.refundTime) } : {}),
      ...(input.outcome === 'failed' ? { failureCode: input.resultCode, failureMessage: input.reason ?? null } : {}),
    },
  });
  if (!moved) {
    const [now] = await db.select().from(refunds).where(eq(refunds.id, existing.id)).limit(1);
    if (now && now.status !== to) {
      await recordRefundEvent(db, {
        paymentId: now.paymentId,
        refundId: now.id,
        type: 'refund_contradiction',
        cause,
        at: input.at,
        detail: { status: now.status, reported: input.outcome, resultCode: input.resultCode, via: input.cause },
      });
    }
    return { kind: 'duplicate', refund: now ?? existing };
  }

  const amount = moved.amountMinor.toString();
  // The reservation made by createRefund moves exactly once, because only the transition's winner gets here.
  const [payment] = await db
    .update(payments)
    .set(
      input.outcome === 'succeeded'
        ? {
            refundPendingMinor: sql`${payments.refundPendingMinor} - ${amount}::bigint`,
            refundedMinor: sql`${payments.refundedMinor} + ${amount}::bigint`,
            updatedAt: input.at,
          }
        : { refundPendingMinor: sql`${payments.refundPendingMinor} - ${amount}::bigint`, updatedAt: input.at },
    )
    .where(eq(payments.id, moved.paymentId))
    .returning();
  if (input.outcome === 'succeeded' && payment && (payment.status === 'CANCELLED' || payment.status === 'FAILED')) {
    // A refund that succeeded on a payment we hold as cancelled or failed: money may have gone back twice (or the
    // payment's end was wrong). Never silently: flag it for a person. (A payment still open is not a contradiction:
    // its own result is on its way, out of order.)
    const flag = `refund ${moved.refundRequestId} succeeded (${input.cause}) while the payment is ${payment.status}`;
    await db.update(payments).set({ reconciliationFlag: flag, updatedAt: input.at }).where(eq(payments.id, payment.id));
    await recordRefundEvent(db, { paymentId: payment.id, refundId: moved.id, type: 'refund_contradiction', cause, at: input.at, detail: { status: payment.status, reported: 'succeeded', via: input.cause, flag } });
  }
  await recordRefundEvent(db, {
    paymentId: moved.paymentId,
    refundId: moved.id,
    type: input.outcome === 'succeeded' ? 'refund_succeeded' : 'refund_failed',
    cause,
    at: input.at,
    detail: { resultCode: input.resultCode, via: input.cause, amountMinor: amount, currency: moved.currency, ...(input.reason ? { reason: input.reason } : {}) },
  });
  return { kind: 'applied', refund: moved };
}

/** Antom's time as a Date, or null when absent or unreadable (then nothing is stored). */
function antomTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}
