import { eq, inArray, and, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { paymentEvents, payments, type Payment } from '@/lib/db/schema';

// PROVISIONAL (notifications branch): the payments issue owns this file and replaces it at merge. Kept to
// the agreed contract: a guarded forward-only transition inside the caller's transaction.

export interface PaymentResultInput {
  paymentRequestId: string;
  paymentId?: string;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  resultCode: string;
  reason?: string;
  cause: 'notification' | 'inquiry' | 'pay' | 'cancel';
  at: Date;
}

export type PaymentResultApplied =
  | { kind: 'applied' | 'duplicate' | 'flagged'; payment: Payment }
  | { kind: 'unknown_payment'; payment: null };

const OPEN = ['CREATED', 'PROCESSING', 'UNKNOWN'] as const;
const TARGET = { succeeded: 'SUCCEEDED', failed: 'FAILED', cancelled: 'CANCELLED' } as const;

/** Applies a final payment result: open → final once; the same final again is a duplicate; a contradiction is flagged. */
export async function applyPaymentResult(db: Db, input: PaymentResultInput): Promise<PaymentResultApplied> {
  const to = TARGET[input.outcome];
  const [applied] = await db
    .update(payments)
    .set({
      status: to,
      ...(input.paymentId ? { paymentId: input.paymentId } : {}),
      resultCode: input.resultCode,
      ...(to === 'SUCCEEDED' ? { succeededAt: input.at } : to === 'FAILED' ? { failedAt: input.at, failureCode: input.resultCode, failureMessage: input.reason ?? null } : { cancelledAt: input.at }),
      updatedAt: input.at,
    })
    .where(and(eq(payments.paymentRequestId, input.paymentRequestId), inArray(payments.status, [...OPEN])))
    .returning();
  if (applied) {
    await db.insert(paymentEvents).values({ paymentId: applied.id, type: `payment.${input.outcome}`, cause: input.cause, detail: { resultCode: input.resultCode } });
    return { kind: 'applied', payment: applied };
  }
  const [current] = await db.select().from(payments).where(eq(payments.paymentRequestId, input.paymentRequestId));
  if (!current) return { kind: 'unknown_payment', payment: null };
  if (current.status === to) return { kind: 'duplicate', payment: current };
  // Terminal states are sticky: e.g. a success after a local cancel keeps CANCELLED and asks reconciliation.
  const flag = `${input.cause} said ${input.outcome} (${input.resultCode}) while the payment is ${current.status}`;
  const [flagged] = await db
    .update(payments)
    .set({ reconciliationFlag: flag, updatedAt: input.at })
    .where(and(eq(payments.id, current.id), sql`${payments.reconciliationFlag} is distinct from ${flag}`))
    .returning();
  if (flagged) await db.insert(paymentEvents).values({ paymentId: current.id, type: 'payment.flagged', cause: input.cause, detail: { resultCode: input.resultCode, status: current.status } });
  return { kind: 'flagged', payment: flagged ?? current };
}
