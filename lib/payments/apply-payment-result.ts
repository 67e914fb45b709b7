import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { payments, type Payment, type PaymentStatus } from '@/lib/db/schema';
import { recordPaymentEvent, type PaymentEventCause } from './payment-events';

export interface PaymentResultInput {
  paymentRequestId: string;
  /** Antom's paymentId when the message carries one. */
  paymentId?: string | null;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  resultCode: string;
  /** The reason in words (failed / cancelled). */
  reason?: string;
  cause: 'notification' | 'inquiry' | 'pay' | 'cancel';
  at: Date;
  /**
   * Optional: the row as the caller just read or wrote it (the charge after its own pay call), to save the
   * lookup. Only a hint — the guarded UPDATE still decides; a miss falls back to reading the row.
   */
  known?: Payment;
}

export type PaymentResultApplied = { kind: 'applied' | 'duplicate' | 'flagged'; payment: Payment } | { kind: 'unknown_payment'; payment: null };

const TARGET: Record<PaymentResultInput['outcome'], PaymentStatus> = { succeeded: 'SUCCEEDED', failed: 'FAILED', cancelled: 'CANCELLED' };

/**
 * From where a final answer may move a payment. Forward only: a success or failure settles an open payment;
 * a cancel also ends a SUCCEEDED one (Antom's SUCCESS → CANCELLED within its window). Anything else that
 * contradicts a final state is kept out (terminal states are sticky) and flagged for reconciliation.
 */
const FROM: Record<PaymentResultInput['outcome'], readonly PaymentStatus[]> = {
  succeeded: ['CREATED', 'PROCESSING', 'UNKNOWN'],
  failed: ['CREATED', 'PROCESSING', 'UNKNOWN'],
  cancelled: ['CREATED', 'PROCESSING', 'UNKNOWN', 'SUCCEEDED'],
};

const EVENT_CAUSE: Record<PaymentResultInput['cause'], PaymentEventCause> = { notification: 'notification', inquiry: 'job', pay: 'system', cancel: 'system' };

/**
 * THE way a final answer about a payment reaches the database — from the PAYMENT_RESULT notification route,
 * the resolver's inquiry and cancel, and the charge's own pay answer. One guarded forward-only transition plus
 * its timeline entry (and an audit row for the status change), all in the transaction it is given, so the
 * notification route can commit it together with its inbox row. A repeat is 'duplicate'; a contradiction of a
 * final state (e.g. a success after a local CANCELLED) keeps the state, sets `reconciliationFlag`, 'flagged'.
 */
export async function applyPaymentResult(db: Db, input: PaymentResultInput): Promise<PaymentResultApplied> {
  return db.transaction(async (tx) => {
    const hinted = input.known?.paymentRequestId === input.paymentRequestId ? input.known : undefined;
    const [current] = hinted ? [hinted] : await tx.select().from(payments).where(eq(payments.paymentRequestId, input.paymentRequestId)).limit(1);
    if (!current) return { kind: 'unknown_payment', payment: null };
    const to = TARGET[input.outcome];
    const cause = EVENT_CAUSE[input.cause];
    const detail = { outcome: input.outcome, resultCode: input.resultCode, source: input.cause };
    // A notification is put on the timeline when it changed or contradicted something; a repeat (Antom's
    // resend, a Replay) adds nothing, so replaying changes nothing.
    const noteNotification = async () => {
      if (input.cause === 'notification') await recordPaymentEvent(tx, { paymentId: current.id, type: 'notification', cause, detail, at: input.at });
    };

    const failure = input.outcome === 'succeeded' ? {} : { failureCode: input.resultCode, failureMessage: input.reason ?? input.resultCode };
    const moved = await guardedTransition(tx, payments, {
      id: current.id,
      from: FROM[input.outcome],
      to,
      set: {
        resultCode: input.resultCode,
        ...failure,
        ...(input.paymentId && !current.paymentId ? { paymentId: input.paymentId } : {}),
        ...(to === 'SUCCEEDED' ? { succeededAt: input.at } : to === 'FAILED' ? { failedAt: input.at } : { cancelledAt: input.at }),
        updatedAt: input.at,
      },
    });
    if (moved) {
      await noteNotification();
      await recordPaymentEvent(tx, { paymentId: moved.id, type: 'status_changed', cause, detail: { ...detail, from: current.status, to }, at: input.at });
      await recordAudit(tx, null, {
        action: `payment.${to.toLowerCase()}`,
        objectType: 'payment',
        objectId: moved.id,
        at: input.at,
        before: { status: current.status },
        after: { status: to, resultCode: input.resultCode, source: input.cause },
      });
      return { kind: 'applied', payment: moved };
    }
    if (hinted) return applyPaymentResult(tx, { ...input, known: undefined });
    if (current.status === to) return { kind: 'duplicate', payment: current };
    // A final answer that contradicts what we hold: keep ours (sticky), but make a person look at it.
    const flag = `${input.cause} said ${input.outcome} (${input.resultCode}) while the payment was ${current.status}`;
    await noteNotification();
    const [flagged] = await tx.update(payments).set({ reconciliationFlag: flag, updatedAt: input.at }).where(eq(payments.id, current.id)).returning();
    await recordPaymentEvent(tx, { paymentId: current.id, type: 'reconciliation_flag', cause, detail: { ...detail, held: current.status }, at: input.at });
    await recordAudit(tx, null, { action: 'payment.reconciliation_flag', objectType: 'payment', objectId: current.id, at: input.at, after: { flag } });
    return { kind: 'flagged', payment: flagged ?? current };
  });
}
