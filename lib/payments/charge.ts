import { faultPoint } from '@/lib/faults/fault-point';
import { createHash, randomUUID } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import { isAlipayError } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, canChargeAmount } from '@/lib/auth/permissions';
import { AUDIT_COLUMNS, auditValues } from '@/lib/audit/record-audit';
import { executePrepared } from '@/lib/db/execute-prepared';
import { isUniqueViolation } from '@/lib/db/is-unique-violation';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { columnTuple } from '@/lib/db/column-tuple';
import { chargeIntents, payments, type ChargeIntent, type IntentRetryPolicy, type Payment } from '@/lib/db/schema';
import { newBusinessKey, parseBusinessKey } from '@/lib/intents/business-key';
import { findIntentByKey, type IntentWithAttempts } from '@/lib/intents/find-intent';
import { defaultRetryPolicy, retryVerdict, type IntentStatus } from '@/lib/intents/intent-rules';
import { formatAmount } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { buildPayRequest, newPaymentRequestId } from './build-pay-request';
import { chargeGuard, checkChargeable, checkChargeableRemembered, forgetChargeable, type Chargeable, type ChargeableProblem } from './check-chargeable';
import { PAYMENT_EVENT_COLUMNS, paymentEventValues } from './payment-events';
import { nowOf, type PaymentDeps } from './payment-deps';
import { sendPay } from './send-pay';

/** Who asks for the debit. Staff carry their actor (permission and limit are checked here again). */
export type ChargeInitiator = { kind: 'staff'; actor: Actor } | { kind: 'schedule' } | { kind: 'api' };

export interface ChargeInput {
  agreementId: string;
  amountMinor: bigint;
  /** When given it must be the wallet's currency (a typed form says which currency the staff member meant). */
  currency?: string | null;
  description: string;
  /**
   * The order reference: the intent's business key, unique per merchant. The same reference again is the same
   * intent (never a second debit); none given → a fresh one, returned so it can be shown and used again.
   */
  referenceOrderId?: string | null;
  /** Caller's idempotency key: the same key is the same charge; with other input it is refused. */
  operationKey?: string | null;
  initiator: ChargeInitiator;
  /** How the intent may try again after a soft decline (default by source: lib/intents/intent-rules.ts). */
  retry?: { retryPolicy: IntentRetryPolicy; maxAttempts: number };
}

export type ChargeErrorCode =
  | ChargeableProblem
  | 'description_invalid'
  | 'reference_invalid'
  | 'reference_conflict'
  | 'intent_closed'
  | 'over_operator_limit'
  | 'operation_key_conflict'
  | 'request_invalid';

/**
 * created: a new intent and its first attempt; retried: a new attempt of an intent whose last one was softly
 * declined; replayed: the same operation key again (the same request); existing: the same order reference again,
 * answered with the intent's current attempt and nothing sent.
 */
export type ChargeOutcome = 'created' | 'retried' | 'replayed' | 'existing';

export interface ChargeData {
  payment: Payment;
  outcome: ChargeOutcome;
  /** Kept for callers that only ask "was anything new sent?" (replayed or existing: nothing was). */
  replayed: boolean;
  intent: { id: string; businessKey: string; status: IntentStatus };
  /**
   * The intent row this call inserted (outcome 'created' only): exactly what was written, so a caller that
   * answers with the whole intent (the merchant API) need not read it back. Other outcomes read it.
   */
  intentRow?: ChargeIntent;
}

export type ChargeResult = ServiceResult<ChargeData, ChargeErrorCode>;

/** The columns the charge writes, from the schema (a column the table lacks, or a wrong type, does not compile). */
const INTENT_ROW = columnTuple(chargeIntents, [
  'id',
  'businessKey',
  'agreementId',
  'customerId',
  'amountMinor',
  'currency',
  'description',
  'source',
  'retryPolicy',
  'maxAttempts',
  'createdBy',
  'createdAt',
] as const);
const ATTEMPT_ROW = columnTuple(payments, [
  'id',
  'intentId',
  'attemptNumber',
  'agreementId',
  'customerId',
  'paymentMethod',
  'paymentRequestId',
  'amountMinor',
  'currency',
  'status',
  'referenceOrderId',
  'description',
  'requestBodyHash',
  'requestBodyCiphertext',
  'expiresAt',
  'initiator',
  'initiatedBy',
  'operationKey',
  'operationFingerprint',
  'createdAt',
  'updatedAt',
] as const);

/**
 * THE charge: the one domain operation behind the staff form, the merchant API and the billing scheduler (the
 * buyer's confirm page runs the same steps on an attempt created earlier, see confirm-payment-request.ts).
 * A charge is an intent (business key = the order reference) and its attempts (payments rows): the same
 * reference again answers the existing intent — in progress, already paid, or declined for good — and a new
 * attempt is made only after a soft decline, as the intent's retry policy and the database allow.
 *
 * Checks → writes the intent and its attempt (CREATED, fresh paymentRequestId, exact body hash and sealed body)
 * with the timeline and audit entries in one statement, commits → pay outside any transaction → S SUCCEEDED,
 * F FAILED with the reason in words, anything else UNKNOWN / PROCESSING for the resolver. A declined payment is
 * a successful charge call whose payment is FAILED.
 */
export async function charge(deps: PaymentDeps, input: ChargeInput): Promise<ChargeResult> {
  return chargeOnce(deps, input, true);
}

/**
 * One pass of the charge. `remembered`: the agreement may be checked from this process's last read of it
 * (checkChargeableRemembered), the write then guarded on those rows being unchanged; if the guarded write writes
 * nothing — the rows changed, or the key or reference was used before — the charge runs again with a fresh read,
 * which answers every such case as before.
 */
async function chargeOnce(deps: PaymentDeps, input: ChargeInput, remembered: boolean): Promise<ChargeResult> {
  const actor = input.initiator.kind === 'staff' ? input.initiator.actor : null;
  if (actor) assertCan(actor, 'payments.charge');
  const now = nowOf(deps);
  const description = input.description.trim();
  if (description.length === 0 || description.length > 256) {
    return { ok: false, code: 'description_invalid', error: 'Enter a description of 1 to 256 characters; the buyer sees it in the wallet.', fieldErrors: { description: ['Enter 1 to 256 characters.'] } };
  }
  const reference = parseBusinessKey(input.referenceOrderId);
  if (!reference.ok) return { ok: false, code: 'reference_invalid', error: reference.error, fieldErrors: { referenceOrderId: [reference.error] } };
  const businessKey = reference.key ?? newBusinessKey();

  const fingerprint = operationFingerprint(input.agreementId, input.amountMinor, input.currency ?? '', description, reference.key ?? '');
  // A replayed key answers with its payment even if the agreement or the settings changed since, so every
  // refusal first looks for one; the accepted path finds it through the insert's conflict instead (one read
  // fewer on the hot path of every charge).
  const refuse = async (refusal: ChargeResult & { ok: false }): Promise<ChargeResult> =>
    (input.operationKey ? await findByOperationKey(deps, input.operationKey, fingerprint) : null) ?? refusal;

  const check = remembered ? checkChargeableRemembered : checkChargeable;
  const checked = await check(deps.db, deps.vault, { agreementId: input.agreementId, amountMinor: input.amountMinor, currency: input.currency, now });
  if (!checked.ok) {
    // The same order reference of an intent that already exists answers that intent, whatever changed since.
    if (reference.key) {
      const existing = await findIntentByKey(deps.db, reference.key);
      if (existing) return answerExisting(deps, existing, input, description, fingerprint);
    }
    return refuse({ ok: false, code: checked.code, error: checked.error, ...(checked.code === 'amount_invalid' ? { fieldErrors: { amount: [checked.error] } } : {}) });
  }
  const settings = checked.settings;
  if (actor && !canChargeAmount(actor.role, input.amountMinor, checked.currency, settings.operatorChargeLimits)) {
    const limit = settings.operatorChargeLimits[checked.currency];
    return refuse({
      ok: false,
      code: 'over_operator_limit',
      error: limit
        ? `Operators may charge at most ${formatAmount(BigInt(limit), checked.currency)} at once; ask an admin.`
        : `No operator charge limit is set for ${checked.currency}, so only an admin can charge it.`,
    });
  }

  const attempt = prepareAttempt(deps, input, checked, description, businessKey, now);
  if ('refusal' in attempt) return refuse(attempt.refusal);

  const retry = input.retry ?? defaultRetryPolicy(input.initiator.kind);
  const intentId = randomUUID();
  const raw = await insertAttempt(deps, {
    ...attempt,
    intent: { kind: 'new', id: intentId, retryPolicy: retry.retryPolicy, maxAttempts: retry.maxAttempts },
    attemptNumber: 1,
    input,
    fingerprint,
  });
  if (!raw && checked.guard) {
    forgetChargeable(deps.db, input.agreementId);
    return chargeOnce(deps, input, false);
  }
  if (!raw) {
    // The operation key or the order reference was used before (or a concurrent request with either won a moment
    // ago): that one is this charge.
    if (input.operationKey) {
      const replay = await findByOperationKey(deps, input.operationKey, fingerprint);
      if (replay) return replay;
    }
    const existing = await findIntentByKey(deps.db, businessKey);
    if (!existing) throw new Error(`charge: no row written for ${businessKey} and no intent holds it`);
    return answerExisting(deps, existing, input, description, fingerprint, { checked, attempt });
  }
  const inserted = mapRow(payments, raw);
  const payment = await sendPay(deps, inserted, 'first', input.initiator.kind, { sentEventRecorded: true, built: attempt.built });
  faultPoint('charge.after-commit');
  // The intent and its first attempt were written by one statement with the same values (insertAttempt).
  const intentRow: ChargeIntent = {
    id: intentId,
    businessKey,
    agreementId: inserted.agreementId,
    customerId: inserted.customerId,
    amountMinor: inserted.amountMinor,
    currency: inserted.currency,
    description: inserted.description,
    source: input.initiator.kind,
    retryPolicy: retry.retryPolicy,
    maxAttempts: retry.maxAttempts,
    createdBy: actor?.userId ?? null,
    createdAt: inserted.createdAt,
  };
  return {
    ok: true,
    data: { payment, outcome: 'created', replayed: false, intent: { id: intentId, businessKey, status: statusAfterSend(payment) }, intentRow },
  };
}

type PreparedAttempt = { paymentId: string; paymentRequestId: string; businessKey: string; built: ReturnType<typeof buildPayRequest>; checked: Extract<Chargeable, { ok: true }> };

function prepareAttempt(
  deps: PaymentDeps,
  input: ChargeInput,
  checked: Extract<Chargeable, { ok: true }>,
  description: string,
  businessKey: string,
  now: Date,
): PreparedAttempt | { refusal: ChargeResult & { ok: false } } {
  const paymentId = randomUUID();
  const paymentRequestId = newPaymentRequestId();
  try {
    const built = buildPayRequest(deps, {
      paymentId,
      paymentRequestId,
      paymentMethod: checked.method.code,
      accessToken: checked.accessToken,
      amountMinor: input.amountMinor,
      currency: checked.currency,
      referenceOrderId: businessKey,
      description,
      merchantName: checked.settings.merchantName,
      now,
    });
    return { paymentId, paymentRequestId, businessKey, built, checked };
  } catch (error) {
    if (isAlipayError(error, 'validation')) return { refusal: { ok: false, code: 'request_invalid', error: error.message } };
    throw error;
  }
}

/**
 * The same order reference again. The intent must be for the same agreement, amount and currency (else the
 * reference is someone else's bill); then its state answers: in progress or paid → that attempt, nothing sent;
 * declined softly and the policy allows → a new attempt; declined for good or out of attempts → refused, saying why.
 */
async function answerExisting(
  deps: PaymentDeps,
  existing: IntentWithAttempts,
  input: ChargeInput,
  description: string,
  fingerprint: string,
  ready?: { checked: Extract<Chargeable, { ok: true }>; attempt: PreparedAttempt },
): Promise<ChargeResult> {
  const { intent, attempts } = existing;
  const sameBill = intent.agreementId === input.agreementId && intent.amountMinor === input.amountMinor && (!input.currency || input.currency === intent.currency);
  if (!sameBill) {
    return {
      ok: false,
      code: 'reference_conflict',
      error: `Order reference ${intent.businessKey} was already used for ${formatAmount(intent.amountMinor, intent.currency)}${intent.agreementId === input.agreementId ? '' : ' on another agreement'}; use a new order reference for a different charge.`,
      fieldErrors: { referenceOrderId: ['Already used for another charge.'] },
    };
  }
  const latest = attempts.at(-1);
  const verdict = retryVerdict(intent, attempts);
  const summary = { id: intent.id, businessKey: intent.businessKey, status: existing.status };
  if (!verdict.ok) {
    if ((verdict.reason === 'in_progress' || verdict.reason === 'succeeded') && latest) {
      const paid = attempts.find((a) => a.status === 'SUCCEEDED') ?? latest;
      return { ok: true, data: { payment: paid, outcome: 'existing', replayed: true, intent: summary } };
    }
    return { ok: false, code: 'intent_closed', error: `Order reference ${intent.businessKey}: ${verdict.message}` };
  }
  if (!ready) return { ok: false, code: 'intent_closed', error: `Order reference ${intent.businessKey}: the agreement cannot be charged now, so no new attempt was made.` };
  const raw = await insertAttempt(deps, {
    ...ready.attempt,
    intent: { kind: 'existing', id: intent.id },
    attemptNumber: verdict.attemptNumber,
    input: { ...input, description },
    fingerprint,
  }).catch((error: unknown) => {
    // Another request made the next attempt a moment ago (the open-attempt index or the attempt guard said no).
    if (isUniqueViolation(error)) return null;
    throw error;
  });
  if (!raw) {
    const again = await findIntentByKey(deps.db, intent.businessKey);
    const current = again?.attempts.at(-1);
    if (again && current) return { ok: true, data: { payment: current, outcome: 'existing', replayed: true, intent: { id: intent.id, businessKey: intent.businessKey, status: again.status } } };
    throw new Error(`charge: a retry of ${intent.businessKey} wrote nothing`);
  }
  const payment = await sendPay(deps, mapRow(payments, raw), 'first', input.initiator.kind, { sentEventRecorded: true, built: ready.attempt.built });
  return {
    ok: true,
    data: { payment, outcome: 'retried', replayed: false, intent: { ...summary, status: statusAfterSend(payment) } },
  };
}

interface AttemptInsert extends PreparedAttempt {
  intent: { kind: 'new'; id: string; retryPolicy: IntentRetryPolicy; maxAttempts: number } | { kind: 'existing'; id: string };
  attemptNumber: number;
  input: ChargeInput;
  fingerprint: string;
}

/**
 * The attempt row (and, for a new intent, the intent row), its two timeline entries and the audit row in one
 * statement: atomic on its own, one round trip. A conflict on the order reference or the operation key inserts
 * nothing at all. Hand-written (like the other hot-path statements): drizzle's insert builder spent more CPU
 * compiling it than PostgreSQL spends running it. Columns not named take their defaults.
 */
async function insertAttempt(deps: PaymentDeps, a: AttemptInsert): Promise<Record<string, unknown> | undefined> {
  const { input, checked, built, paymentId, paymentRequestId, businessKey } = a;
  const actor = input.initiator.kind === 'staff' ? input.initiator.actor : null;
  const now = nowOf(deps);
  const description = input.description.trim();
  const entries = paymentEventValues([
    { paymentId, type: 'payment_created', cause: input.initiator.kind, detail: { amountMinor: input.amountMinor, currency: checked.currency, attempt: a.attemptNumber, orderReference: businessKey }, at: now },
    { paymentId, type: 'pay_sent', cause: input.initiator.kind, detail: { attempt: 0 }, at: now },
  ]);
  const audit = actor
    ? sql`, audit as (insert into audit_log ${AUDIT_COLUMNS} select * from (values ${auditValues(actor, { action: 'payment.charge', objectType: 'payment', objectId: paymentId, at: now, after: { agreementId: checked.agreement.id, amountMinor: input.amountMinor, currency: checked.currency, description, orderReference: businessKey, attempt: a.attemptNumber } })}) v where exists (select 1 from created))`
    : sql``;
  // A check answered from memory holds only while the agreement and settings rows are the ones it checked.
  const conditions = [
    ...(input.operationKey ? [sql`not exists (select 1 from payments where operation_key = ${input.operationKey})`] : []),
    ...(checked.guard ? [chargeGuard(checked.guard)] : []),
  ];
  const insertIf = conditions.length > 0 ? sql` where ${sql.join(conditions, sql` and `)}` : sql``;
  const intentCte: SQL =
    a.intent.kind === 'new'
      ? sql`intent as (
        insert into charge_intents ${INTENT_ROW.columns}
        select ${INTENT_ROW.values({
          id: a.intent.id,
          businessKey,
          agreementId: checked.agreement.id,
          customerId: checked.agreement.customerId,
          amountMinor: input.amountMinor,
          currency: checked.currency,
          description,
          source: input.initiator.kind,
          retryPolicy: a.intent.retryPolicy,
          maxAttempts: a.intent.maxAttempts,
          createdBy: actor?.userId ?? null,
          createdAt: now,
        })}${insertIf}
        on conflict (business_key) do nothing
        returning id
      ),`
      : sql`intent as (select ${a.intent.id}::uuid as id${insertIf}),`;
  const [raw] = rowsOf<Record<string, unknown>>(
    await executePrepared(deps.db, sql`
      with ${intentCte}
      created as (
        insert into payments ${ATTEMPT_ROW.columns}
        select ${ATTEMPT_ROW.values({
          id: paymentId,
          intentId: sql`intent.id`,
          attemptNumber: a.attemptNumber,
          agreementId: checked.agreement.id,
          customerId: checked.agreement.customerId,
          paymentMethod: checked.method.code,
          paymentRequestId,
          amountMinor: input.amountMinor,
          currency: checked.currency,
          status: 'CREATED',
          referenceOrderId: businessKey,
          description,
          requestBodyHash: built.requestBodyHash,
          requestBodyCiphertext: built.requestBodyCiphertext,
          expiresAt: built.expiresAt,
          initiator: input.initiator.kind,
          initiatedBy: actor?.userId ?? null,
          operationKey: input.operationKey ?? null,
          operationFingerprint: input.operationKey ? a.fingerprint : null,
          createdAt: now,
          updatedAt: now,
        })}
        from intent
        on conflict (operation_key) do nothing
        returning *
      ),
      entries as (insert into payment_events ${PAYMENT_EVENT_COLUMNS} select * from (values ${entries}) v where exists (select 1 from created))${audit}
      select created.* from created`),
  );
  return raw;
}

function statusAfterSend(payment: Payment): IntentStatus {
  return payment.status === 'SUCCEEDED' ? 'succeeded' : payment.status === 'FAILED' ? 'failed' : payment.status === 'CANCELLED' ? 'canceled' : 'open';
}

async function findByOperationKey(deps: PaymentDeps, operationKey: string, fingerprint: string): Promise<ChargeResult | null> {
  const [existing] = await deps.db.select().from(payments).where(eq(payments.operationKey, operationKey)).limit(1);
  if (!existing) return null;
  if (existing.operationFingerprint !== fingerprint) {
    return { ok: false, code: 'operation_key_conflict', error: 'This form was already submitted with different details. Reload the page to start a new charge.' };
  }
  const found = await findIntentByKey(deps.db, existing.referenceOrderId);
  const status = found?.status ?? statusAfterSend(existing);
  return { ok: true, data: { payment: existing, outcome: 'replayed', replayed: true, intent: { id: existing.intentId, businessKey: existing.referenceOrderId, status } } };
}

/** What an operation key was first used for: the same key with another agreement, amount, text or reference is refused. */
export function operationFingerprint(agreementId: string, amountMinor: bigint, currency: string, description: string, reference = ''): string {
  return createHash('sha256').update([agreementId, amountMinor.toString(), currency, description, reference].join('\u0000')).digest('hex');
}
