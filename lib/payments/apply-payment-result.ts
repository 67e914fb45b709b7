import { eq, is, sql, type SQL } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { AUDIT_COLUMNS, recordAudit } from '@/lib/audit/record-audit';
import { jsonText } from '@/lib/db/json-text';
import type { Db } from '@/lib/db/client';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { payments, type Payment, type PaymentStatus } from '@/lib/db/schema';
import { PAYMENT_EVENT_COLUMNS, recordPaymentEvents, type PaymentEventCause } from './payment-events';
import { executePrepared } from '@/lib/db/execute-prepared';

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
}

export type PaymentResultApplied = { kind: 'applied' | 'duplicate' | 'flagged'; payment: Payment } | { kind: 'unknown_payment'; payment: null };

/** The final status each outcome moves a payment to. */
export const RESULT_STATUS: Record<PaymentResultInput['outcome'], PaymentStatus> = { succeeded: 'SUCCEEDED', failed: 'FAILED', cancelled: 'CANCELLED' };

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
 * its timeline entry and an audit row for the status change, in one statement (paymentResultCtes): atomic on
 * its own, or part of the transaction it is given. It runs on every payment result, so it costs one round
 * trip. A repeat is 'duplicate'; a contradiction of a final state (e.g. a success after a local CANCELLED)
 * keeps the state, sets `reconciliationFlag`, 'flagged'.
 */
export async function applyPaymentResult(db: Db, input: PaymentResultInput): Promise<PaymentResultApplied> {
  const [raw] = rowsOf<Record<string, unknown>>(await executePrepared(db, sql`with ${paymentResultCtes(input)} select * from moved`));
  if (raw) return { kind: 'applied', payment: mapRow(payments, raw) };
  // Nothing moved: a repeat, or an answer that contradicts a final state. Inside a caller's transaction (the
  // notification inbox) no savepoint is needed: an error aborts it all.
  return is(db, PgTransaction) ? settleUnmoved(db, input) : db.transaction((tx) => settleUnmoved(tx, input));
}

async function settleUnmoved(tx: Db, input: PaymentResultInput): Promise<PaymentResultApplied> {
  const to = RESULT_STATUS[input.outcome];
  const cause = EVENT_CAUSE[input.cause];
  const detail = { outcome: input.outcome, resultCode: input.resultCode, source: input.cause };
  const [current] = await tx.select().from(payments).where(eq(payments.paymentRequestId, input.paymentRequestId)).limit(1);
  if (!current) return { kind: 'unknown_payment', payment: null };
  if (current.status === to) return { kind: 'duplicate', payment: current };
  // A final answer that contradicts what we hold: keep ours (sticky), but make a person look at it.
  const flag = `${input.cause} said ${input.outcome} (${input.resultCode}) while the payment was ${current.status}`;
  const [flagged] = await tx.update(payments).set({ reconciliationFlag: flag, updatedAt: input.at }).where(eq(payments.id, current.id)).returning();
  await Promise.all([
    recordPaymentEvents(tx, [
      ...(input.cause === 'notification' ? [{ paymentId: current.id, type: 'notification' as const, cause, detail, at: input.at }] : []),
      { paymentId: current.id, type: 'reconciliation_flag', cause, detail: { ...detail, held: current.status }, at: input.at },
    ]),
    recordAudit(tx, null, { action: 'payment.reconciliation_flag', objectType: 'payment', objectId: current.id, at: input.at, after: { flag } }),
  ]);
  return { kind: 'flagged', payment: flagged ?? current };
}

/**
 * The guarded transition of applyPaymentResult as three CTEs, for statements that build on it (the payment
 * notification's one statement adds its inbox and delivery rows): `moved` (the row it moved, `p.*` plus
 * `previous_status`; empty when nothing moved), `entries` (its timeline entries) and `audit` (its audit row).
 *
 * The guarded forward-only UPDATE is found by paymentRequestId, with the row locked FOR UPDATE in the subquery
 * (a concurrent answer waits, then sees the new status and moves nothing); the timeline entries and the audit
 * row are written from the row it moved. A notification is put on the timeline only when it changed or
 * contradicted something; a repeat (Antom's resend, a Replay) adds nothing, so replaying changes nothing.
 */
export function paymentResultCtes(input: PaymentResultInput): SQL {
  const to = RESULT_STATUS[input.outcome];
  const cause = EVENT_CAUSE[input.cause];
  const detail = jsonText({ outcome: input.outcome, resultCode: input.resultCode, source: input.cause });
  const at = input.at.toISOString();
  const failure = input.outcome === 'succeeded' ? sql`` : sql`, failure_code = ${input.resultCode}, failure_message = ${input.reason ?? input.resultCode}`;
  const stamp = to === 'SUCCEEDED' ? sql`succeeded_at` : to === 'FAILED' ? sql`failed_at` : sql`cancelled_at`;
  const notificationEntry =
    input.cause === 'notification' ? sql`select id, null::uuid, 'notification'::text, ${cause}::text, ${detail}::jsonb, ${at}::timestamptz from moved union all ` : sql``;
  return sql`moved as (
        update payments p
        set status = ${to}, result_code = ${input.resultCode}${failure}, payment_id = coalesce(p.payment_id, ${input.paymentId ?? null}),
            ${stamp} = ${at}::timestamptz, updated_at = ${at}::timestamptz
        from (select id, status from payments where payment_request_id = ${input.paymentRequestId} for update) before
        where p.id = before.id and before.status in (${sql.join(
          FROM[input.outcome].map((status) => sql`${status}`),
          sql`, `,
        )})
        returning p.*, before.status as previous_status
      ), entries as (
        insert into payment_events ${PAYMENT_EVENT_COLUMNS}
        ${notificationEntry}select id, null::uuid, 'status_changed'::text, ${cause}::text,
          ${detail}::jsonb || jsonb_build_object('from', previous_status, 'to', ${to}::text), ${at}::timestamptz from moved
      ), audit as (
        insert into audit_log ${AUDIT_COLUMNS}
        select ${at}::timestamptz, null::uuid, null::text, null::text, ${`payment.${to.toLowerCase()}`}::text, 'payment'::text, id::text,
          jsonb_build_object('status', previous_status), ${jsonText({ status: to, resultCode: input.resultCode, source: input.cause })}::jsonb, null::text, null::text
        from moved
      )`;
}
