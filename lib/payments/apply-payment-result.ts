import { eq, is, sql, type SQL } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { describeResult, RESULT_CODES } from '@/lib/alipay';
import { markAgreementInvalid } from '@/lib/agreements/mark-agreement-invalid';
import { AUDIT_COLUMNS, recordAudit } from '@/lib/audit/record-audit';
import { jsonText } from '@/lib/db/json-text';
import type { Db } from '@/lib/db/client';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { payments, type Payment, type PaymentStatus } from '@/lib/db/schema';
import { PAYMENT_EVENT_COLUMNS, recordPaymentEvent, recordPaymentEvents, type PaymentEventCause } from './payment-events';
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
  /**
   * The amount Antom says it debited (paymentAmount of the answer, inquiry or notification), when it said one. A
   * success for another amount or currency than the attempt's is not applied: it is flagged for a person.
   */
  amount?: { value: string; currency: string } | null;
  /** Antom's paymentTime (ISO 8601 with offset), stored for reconciliation's GMT+8 day. */
  paymentTime?: string | null;
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
  const inTransaction = is(db, PgTransaction);
  // A result with consequences beyond the payment (the agreement) commits them together with the payment.
  if (!inTransaction && hasConsequences(input)) return db.transaction((tx) => applyPaymentResult(tx, input));
  const [raw] = rowsOf<Record<string, unknown>>(await executePrepared(db, sql`with ${paymentResultCtes(input)} select * from moved`));
  if (raw) {
    const payment = mapRow(payments, raw);
    await applyConsequences(db, payment, input);
    return { kind: 'applied', payment };
  }
  // Nothing moved: a repeat, or an answer that contradicts a final state. Inside a caller's transaction (the
  // notification inbox) no savepoint is needed: an error aborts it all.
  return inTransaction ? settleUnmoved(db, input) : db.transaction((tx) => settleUnmoved(tx, input));
}

/** True when this result must change more than the payment: a decline that says the agreement's token is dead. */
export function hasConsequences(input: Pick<PaymentResultInput, 'outcome' | 'resultCode'>): boolean {
  return input.outcome === 'failed' && (RESULT_CODES[input.resultCode]?.actions.includes('reauthorize') ?? false);
}

/**
 * What a final result means beyond the payment, whoever brought it (the pay answer, a resend, an inquiry, a
 * notification): INVALID_ACCESS_TOKEN or an equal code ends the agreement (charges on it are refused locally from
 * then on). Runs in the caller's transaction, right after the transition moved the payment.
 */
async function applyConsequences(tx: Db, payment: Payment, input: PaymentResultInput): Promise<void> {
  if (!hasConsequences(input)) return;
  const reason = describeResult({ resultStatus: 'F', resultCode: input.resultCode }).meaning;
  const invalidated = await markAgreementInvalid(tx, payment.agreementId, { reason, resultCode: input.resultCode, cause: input.cause === 'notification' ? 'notification' : 'system', at: input.at });
  if (invalidated) await recordPaymentEvent(tx, { paymentId: payment.id, type: 'agreement_invalidated', cause: EVENT_CAUSE[input.cause], detail: { resultCode: input.resultCode, source: input.cause }, at: input.at });
}

/** Antom's amount as bigint minor units, or null when it is not a well-formed Amount. */
function reportedMinor(amount: PaymentResultInput['amount']): bigint | null {
  if (!amount || !/^(0|[1-9][0-9]{0,18})$/.test(amount.value)) return null;
  return BigInt(amount.value);
}

/** Antom's time as an ISO instant, or null when absent or unreadable (then the stored one is kept). */
function antomTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

async function settleUnmoved(tx: Db, input: PaymentResultInput): Promise<PaymentResultApplied> {
  const to = RESULT_STATUS[input.outcome];
  const cause = EVENT_CAUSE[input.cause];
  const detail = { outcome: input.outcome, resultCode: input.resultCode, source: input.cause };
  const [current] = await tx.select().from(payments).where(eq(payments.paymentRequestId, input.paymentRequestId)).limit(1);
  if (!current) return { kind: 'unknown_payment', payment: null };
  if (current.status === to) return { kind: 'duplicate', payment: current };
  // A final answer that contradicts what we hold (keep ours: sticky), a success for another amount than ours (do
  // not apply it), or a cancel of a payment with refunds (they cannot both stand): make a person look at it.
  const flag = flagFor(current, input);
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

function flagFor(current: Payment, input: PaymentResultInput): string {
  const said = `${input.cause} said ${input.outcome} (${input.resultCode})`;
  const minor = reportedMinor(input.amount);
  if (input.outcome === 'succeeded' && input.amount && (minor !== current.amountMinor || input.amount.currency !== current.currency)) {
    return `${said} for ${input.amount.value} ${input.amount.currency} (minor units) while this attempt is for ${current.amountMinor} ${current.currency}; not applied`;
  }
  if (input.outcome === 'cancelled' && (current.refundedMinor > 0n || current.refundPendingMinor > 0n)) {
    return `${said} while the payment has refunds (${current.refundedMinor} refunded, ${current.refundPendingMinor} pending); a cancel and a refund cannot both stand`;
  }
  return `${said} while the payment was ${current.status}`;
}

/**
 * The guarded transition of applyPaymentResult as three CTEs, for statements that build on it (the payment
 * notification's one statement adds its inbox and delivery rows): `moved` (the row it moved, `p.*` plus
 * `previous_status`; empty when nothing moved), `entries` (its timeline entries) and `audit` (its audit row).
 *
 * The guarded forward-only UPDATE is found by paymentRequestId, with the row locked FOR UPDATE in the subquery
 * (a concurrent answer waits, then sees the new status and moves nothing); the timeline entries and the audit
 * row are written from the row it moved. The subquery is fenced so the row is found by its request id alone:
 * every guard reads the subquery's row (not the updated `p`), and `limit 1` (a no-op: the id is unique) stops the
 * planner pushing the guards into it. Unfenced, with the table not yet analyzed, the planner found the row through
 * payments_currency_amount_idx instead, walking every payment of that amount and currency — a subscription's
 * thousands — per result: 30 ms to 350 ms per notification at 24,000 payments (bench/notifications.bench.ts). A notification is put on the timeline only when it changed or
 * contradicted something; a repeat (Antom's resend, a Replay) adds nothing, so replaying changes nothing.
 */
export function paymentResultCtes(input: PaymentResultInput): SQL {
  const to = RESULT_STATUS[input.outcome];
  const cause = EVENT_CAUSE[input.cause];
  const detail = jsonText({ outcome: input.outcome, resultCode: input.resultCode, source: input.cause });
  const at = input.at.toISOString();
  const failure = input.outcome === 'succeeded' ? sql`` : sql`, failure_code = ${input.resultCode}, failure_message = ${input.reason ?? input.resultCode}`;
  const stamp = to === 'SUCCEEDED' ? sql`succeeded_at` : to === 'FAILED' ? sql`failed_at` : sql`cancelled_at`;
  // A success must be for our amount and currency (when Antom said one); a cancel must not cross a refund.
  const minor = reportedMinor(input.amount);
  const guard =
    input.outcome === 'succeeded' && input.amount
      ? minor === null
        ? sql` and false`
        : sql` and before.amount_minor = ${minor.toString()}::bigint and before.currency = ${input.amount.currency}`
      : input.outcome === 'cancelled'
        ? sql` and before.refunded_minor = 0 and before.refund_pending_minor = 0`
        : sql``;
  const time = antomTime(input.paymentTime);
  const paymentTime = time ? sql`, payment_time = ${time}::timestamptz` : sql``;
  const notificationEntry =
    input.cause === 'notification' ? sql`select id, null::uuid, 'notification'::text, ${cause}::text, ${detail}::jsonb, ${at}::timestamptz from moved union all ` : sql``;
  return sql`moved as (
        update payments p
        set status = ${to}, result_code = ${input.resultCode}${failure}, payment_id = coalesce(p.payment_id, ${input.paymentId ?? null}),
            ${stamp} = ${at}::timestamptz, updated_at = ${at}::timestamptz${paymentTime}
        from (select id, status, amount_minor, currency, refunded_minor, refund_pending_minor from payments where payment_request_id = ${input.paymentRequestId} limit 1 for update) before
        where p.id = before.id and before.status in (${sql.join(
          FROM[input.outcome].map((status) => sql`${status}`),
          sql`, `,
        )})${guard}
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
