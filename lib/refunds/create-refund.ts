import { correlate } from '@/lib/log/context';
import { faultPoint } from '@/lib/faults/fault-point';
import { log } from '@/lib/log';
import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { classifyCall, isAlipayError, getPaymentMethod } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, can, canRefundAmount } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { payments, refunds, type Payment, type Refund } from '@/lib/db/schema';
import { checkAmount, formatAmount } from '@/lib/money';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { applyRefundResult } from './apply-refund-result';
import { parseStaffAmount } from './parse-staff-amount';
import { buildRefundRequest, nowOf, REFUND_RESOLVE_JOB, refundSubject, type RefundDeps } from './refund-deps';
import { recordRefundEvent } from './refund-events';
import { DEFAULT_REFUND_WINDOW_DAYS } from './refund-availability';

export const createRefundInput = z.object({
  paymentId: z.uuid({ error: 'Not a payment id.' }),
  /** Major units as staff type them ("9,900" KRW, "12.50" PHP); parsed exactly in the payment's currency. */
  amount: z.string({ error: 'Enter the amount to refund.' }).trim().min(1, 'Enter the amount to refund.').max(32, 'That amount is too long.'),
  reason: z.string({ error: 'Give a reason for the refund.' }).trim().min(3, 'Give a reason for the refund (at least 3 characters).').max(256, 'Keep the reason under 256 characters.'),
  /** Chosen by the form when it is drawn: a double submit or a retried request is the same refund. */
  operationKey: z.string().regex(/^[A-Za-z0-9_-]{16,100}$/, 'The form is out of date; reload the page.'),
});
export type CreateRefundInput = z.output<typeof createRefundInput>;

/** Every way createRefund can say no. Each comes with a sentence that says why; none changes anything. */
export const CREATE_REFUND_CODES = [
  'not_found',
  'invalid_amount',
  'payment_not_refundable',
  'wallet_refunds_unsupported',
  'wallet_partial_refunds_unsupported',
  'refund_window_passed',
  'exceeds_refundable',
  'over_operator_limit',
  'operation_key_reused',
  /** Antom answered F: the refund is FAILED and its reservation released. */
  'refund_declined',
  /** The request could not be sent (configuration); FAILED, nothing reached Antom. */
  'refund_not_sent',
] as const;
export type CreateRefundCode = (typeof CREATE_REFUND_CODES)[number];

export interface CreateRefundOutcome {
  refund: Refund;
  /** succeeded: Antom confirmed; pending: no final answer yet, the resolver follows it (the amount stays reserved). */
  state: 'succeeded' | 'pending';
  /** The same operation key was already used for this very refund: nothing new was sent. */
  replayed: boolean;
}

type Refusal = { ok: false; code: CreateRefundCode; error: string };
const refuse = (code: CreateRefundCode, error: string): Refusal => fail(code, error);

const CANCEL_UNDER_WAY = 'A cancel of this payment is under way, so it cannot be refunded now; if Antom refuses the cancel, refund it then.';

/** Thrown inside the transaction to undo the refund row when the reservation loses. */
class ReservationRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.error);
  }
}

/**
 * A staff refund of a SUCCEEDED payment (full, partial, or one of several). Checks everything that can be
 * checked before Antom (amount and its decimals, the wallet's refund support, partial rule, minimum and
 * window, the operator's per-currency limit, what is left), then in ONE short transaction inserts the
 * refund row (PENDING, fresh refundRequestId, hash of the exact body) and reserves the amount with one
 * guarded UPDATE (`refunded + pending + x ≤ amount`, status SUCCEEDED; the table's CHECK backs it), and
 * commits. The refund call goes out after the commit: S confirms, F releases, U / timeout keeps the
 * reservation and hands the refund to the resolver job.
 */
export async function createRefund(deps: RefundDeps, actor: Actor, input: CreateRefundInput): Promise<ServiceResult<CreateRefundOutcome, CreateRefundCode>> {
  assertCan(actor, 'refunds.create');
  const { db } = deps;
  const now = nowOf(deps);

  const [payment] = await db.select().from(payments).where(eq(payments.id, input.paymentId)).limit(1);
  if (!payment) return refuse('not_found', 'No such payment.');
  // A refund's lines carry its charge's correlation id: correlationId=<paymentRequestId> finds the charge's whole story.
  correlate(payment.paymentRequestId);

  const parsed = parseStaffAmount(input.amount, payment.currency);
  if (!parsed.ok) return refuse('invalid_amount', parsed.error);
  const amountMinor = parsed.minor;
  const fingerprint = createHash('sha256').update(JSON.stringify([payment.id, amountMinor.toString(), payment.currency, input.reason])).digest('hex');

  // A double submit or a retried request: the operation key names one refund.
  const replay = await findByOperationKey(deps, input.operationKey, fingerprint);
  if (replay) return replay;

  const refused = await checkRefundable(deps, actor, payment, amountMinor, now);
  if (refused) return refused;

  const refundRowId = randomUUID();
  const draft = { id: refundRowId, refundRequestId: `rf_${randomUUID().replaceAll('-', '')}`, amountMinor, currency: payment.currency, reason: input.reason };
  let sha256: string;
  try {
    ({ sha256 } = deps.alipay.serialize('refund', buildRefundRequest(draft, payment, deps.refundNotifyUrl)));
  } catch (error) {
    // The request itself is invalid (e.g. a misconfigured notify URL): refuse before writing anything.
    if (isAlipayError(error, 'validation')) return refuse('refund_not_sent', `The refund could not be sent, so nothing was refunded: ${error.message}`);
    throw error;
  }
  const amount = amountMinor.toString();

  let refund: Refund | null;
  try {
    refund = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(refunds)
        .values({
          ...draft,
          paymentId: payment.id,
          status: 'PENDING',
          requestBodyHash: sha256,
          initiatedBy: actor.userId,
          operationKey: input.operationKey,
          operationFingerprint: fingerprint,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: refunds.operationKey })
        .returning();
      if (!row) return null; // a concurrent submit with the same key won; answered below
      const reserved = await guardedTransition(tx, payments, {
        id: payment.id,
        from: ['SUCCEEDED'],
        to: 'SUCCEEDED',
        // An SQL increment, not a value read earlier: the row's current counters decide.
        set: { refundPendingMinor: sql`${payments.refundPendingMinor} + ${amount}::bigint` as unknown as bigint, updatedAt: now },
        // …and no cancel has claimed the payment: a refund and a cancel never both go out.
        where: sql`${payments.refundedMinor} + ${payments.refundPendingMinor} + ${amount}::bigint <= ${payments.amountMinor} and ${payments.cancelClaimedAt} is null`,
      });
      if (!reserved) throw new ReservationRefused(await explainLostReservation(tx, payment.id));
      await recordAudit(tx, actor, {
        action: 'refund.create',
        objectType: 'payment',
        objectId: payment.id,
        at: now,
        after: { refundId: row.id, amountMinor: amount, currency: payment.currency, reason: input.reason },
      });
      await recordRefundEvent(tx, {
        paymentId: payment.id,
        refundId: row.id,
        type: 'refund_requested',
        cause: 'staff',
        at: now,
        detail: { amountMinor: amount, currency: payment.currency, reason: input.reason, by: actor.email },
      });
      return row;
    });
  } catch (error) {
    if (error instanceof ReservationRefused) return error.refusal;
    throw error;
  }
  if (!refund) return (await findByOperationKey(deps, input.operationKey, fingerprint)) ?? refuse('operation_key_reused', 'This form was already used; reload the page.');

  const sent = await sendRefund(deps, refund, payment, sha256);
  faultPoint('refund.after-commit');
  return sent;
}

/** The first refund call, outside any transaction, and what its answer means for the row. */
async function sendRefund(deps: RefundDeps, refund: Refund, payment: Payment, sha256: string): Promise<ServiceResult<CreateRefundOutcome, CreateRefundCode>> {
  const outcome = await classifyCall(
    deps.alipay.refund(buildRefundRequest(refund, payment, deps.refundNotifyUrl), { subject: refundSubject(payment.id), expectedBodySha256: sha256 }),
  );
  faultPoint('refund.before-commit');
  const at = nowOf(deps);
  await recordRefundEvent(deps.db, {
    paymentId: payment.id,
    refundId: refund.id,
    type: 'refund_answer',
    cause: 'staff',
    at,
    detail: { kind: outcome.kind, resultCode: outcome.resultCode, ...(outcome.kind !== 'succeeded' ? { reason: outcome.reason } : {}) },
  });

  if (outcome.kind === 'succeeded' || outcome.kind === 'failed' || outcome.kind === 'not_sent') {
    // not_sent: nothing left the process, so this refundRequestId can never take effect; release it.
    const applied = await deps.db.transaction((tx) =>
      applyRefundResult(tx, {
        refundRequestId: refund.refundRequestId,
        refundId: outcome.kind === 'not_sent' ? null : (outcome.data.refundId ?? null),
        outcome: outcome.kind === 'succeeded' ? 'succeeded' : 'failed',
        resultCode: outcome.resultCode,
        ...(outcome.kind !== 'succeeded' ? { reason: outcome.reason } : { refundTime: outcome.data.refundTime ?? null }),
        cause: 'refund',
        at,
      }),
    );
    const row = applied.refund ?? refund;
    // A notification may have settled it first; report what the row says.
    if (row.status === 'SUCCEEDED') return ok({ refund: row, state: 'succeeded', replayed: false });
    if (row.status === 'FAILED') {
      const why = row.failureMessage ?? (outcome.kind === 'succeeded' ? '' : outcome.reason);
      return outcome.kind === 'not_sent'
        ? refuse('refund_not_sent', `The refund could not be sent, so nothing was refunded: ${why}`)
        : refuse('refund_declined', `Antom declined the refund; nothing was refunded: ${why}`);
    }
    return ok({ refund: row, state: 'pending', replayed: false });
  }

  // U / timeout / 5xx: the refund may have happened. Keep the reservation; the resolver settles it.
  const marked = await guardedTransition(deps.db, refunds, { id: refund.id, from: ['PENDING'], to: 'UNKNOWN', set: { resultCode: outcome.resultCode, updatedAt: at } });
  try {
    await deps.enqueue(REFUND_RESOLVE_JOB, { refundId: refund.id }, { startAfterSeconds: 2, singletonKey: `refund:${refund.id}` });
  } catch (error) {
    // The refund is safe in the database (UNKNOWN, reserved); the sweep hands it to the resolver within minutes.
    log().warn(`could not enqueue the resolver for refund ${refund.id}: ${(error as { code?: string }).code ?? (error as Error).name}`);
  }
  const [row] = await deps.db.select().from(refunds).where(eq(refunds.id, refund.id)).limit(1);
  const current = row ?? marked ?? refund;
  return ok({ refund: current, state: current.status === 'SUCCEEDED' ? 'succeeded' : 'pending', replayed: false });
}

async function findByOperationKey(deps: RefundDeps, operationKey: string, fingerprint: string): Promise<ServiceResult<CreateRefundOutcome, CreateRefundCode> | null> {
  const [existing] = await deps.db.select().from(refunds).where(eq(refunds.operationKey, operationKey)).limit(1);
  if (!existing) return null;
  if (existing.operationFingerprint !== fingerprint) {
    return refuse('operation_key_reused', 'This form was already used for a different refund; reload the page to start a new one.');
  }
  if (existing.status === 'FAILED') {
    return refuse('refund_declined', `This refund was already tried and declined: ${existing.failureMessage ?? existing.failureCode ?? 'no reason given'}`);
  }
  return ok({ refund: existing, state: existing.status === 'SUCCEEDED' ? 'succeeded' : 'pending', replayed: true });
}

/** Everything knowable before Antom, each refusal with the sentence a person needs. Null = go ahead. */
async function checkRefundable(deps: RefundDeps, actor: Actor, payment: Payment, amountMinor: bigint, now: Date): Promise<Refusal | null> {
  const money = (minor: bigint) => formatAmount(minor, payment.currency, 'en-US');
  if (payment.status !== 'SUCCEEDED') {
    return refuse('payment_not_refundable', `Only a successful payment can be refunded; this one is ${payment.status.toLowerCase().replaceAll('_', ' ')}.`);
  }
  if (!payment.paymentId) return refuse('payment_not_refundable', 'Antom has not given this payment an id yet, so it cannot be refunded.');
  if (payment.cancelClaimedAt) return refuse('payment_not_refundable', CANCEL_UNDER_WAY);
  const method = getPaymentMethod(payment.paymentMethod);
  const wallet = method?.nameEn ?? payment.paymentMethod;
  if (method && !method.supportsRefund) return refuse('wallet_refunds_unsupported', `${wallet} does not support refunds through Antom; refund the customer another way.`);
  if (method && !method.supportsPartialRefund && (amountMinor !== payment.amountMinor || payment.refundedMinor + payment.refundPendingMinor > 0n)) {
    return refuse('wallet_partial_refunds_unsupported', `${wallet} only accepts a single refund of the full ${money(payment.amountMinor)}.`);
  }
  const windowDays = method?.refundWindowDays ?? DEFAULT_REFUND_WINDOW_DAYS;
  const paidAt = payment.succeededAt ?? payment.createdAt;
  const closesAt = new Date(paidAt.getTime() + windowDays * 86_400_000);
  if (now.getTime() > closesAt.getTime()) {
    return refuse('refund_window_passed', `${wallet} refunds are possible for ${windowDays} days after the payment; that window closed on ${closesAt.toISOString().slice(0, 10)}.`);
  }
  if (method && method.currency === payment.currency) {
    const issues = checkAmount(amountMinor, payment.currency, { minAmount: method.minAmount, ...(method.amountMultipleOf ? { multipleOf: method.amountMultipleOf } : {}) });
    const issue = issues[0];
    if (issue) {
      return refuse('invalid_amount', issue.code === 'BELOW_MINIMUM' ? `${wallet} refunds must be at least ${money(method.minAmount)}.` : issue.message);
    }
  }
  const left = payment.amountMinor - payment.refundedMinor - payment.refundPendingMinor;
  if (amountMinor > left) return refuse('exceeds_refundable', exceedsSentence(payment, left, money));
  const settings = await getMerchantSettings(deps.db);
  if (!canRefundAmount(actor.role, amountMinor, payment.currency, settings.operatorRefundLimits)) {
    const limit = settings.operatorRefundLimits[payment.currency];
    return refuse(
      'over_operator_limit',
      limit && /^\d+$/.test(limit) && can(actor.role, 'refunds.create')
        ? `Your role may refund up to ${money(BigInt(limit))} at a time; ask an admin to refund ${money(amountMinor)}.`
        : `No operator refund limit is set for ${payment.currency}, so only an admin can refund this payment.`,
    );
  }
  return null;
}

/** Why the guarded UPDATE matched nothing: the payment moved, or others reserved first. */
async function explainLostReservation(tx: RefundDeps['db'], paymentId: string): Promise<Refusal> {
  const [now] = await tx.select().from(payments).where(eq(payments.id, paymentId)).limit(1);
  if (!now || now.status !== 'SUCCEEDED') {
    return refuse('payment_not_refundable', `Only a successful payment can be refunded; this one is now ${(now?.status ?? 'gone').toLowerCase()}.`);
  }
  if (now.cancelClaimedAt) return refuse('payment_not_refundable', CANCEL_UNDER_WAY);
  const left = now.amountMinor - now.refundedMinor - now.refundPendingMinor;
  return refuse('exceeds_refundable', exceedsSentence(now, left, (m) => formatAmount(m, now.currency, 'en-US')));
}

function exceedsSentence(payment: Pick<Payment, 'refundedMinor' | 'refundPendingMinor'>, left: bigint, money: (m: bigint) => string): string {
  if (left <= 0n) return 'Nothing is left to refund on this payment.';
  const inFlight = payment.refundPendingMinor > 0n ? ` (${money(payment.refundPendingMinor)} is still being refunded)` : '';
  return `Only ${money(left)} is left to refund on this payment${inFlight}.`;
}
