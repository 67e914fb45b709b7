import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { isAlipayError } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, canChargeAmount } from '@/lib/auth/permissions';
import { AUDIT_COLUMNS, auditValues } from '@/lib/audit/record-audit';
import { executePrepared } from '@/lib/db/execute-prepared';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { payments, type Payment } from '@/lib/db/schema';
import { formatAmount } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { buildPayRequest, newPaymentRequestId } from './build-pay-request';
import { checkChargeable, type ChargeableProblem } from './check-chargeable';
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
  referenceOrderId?: string | null;
  /** Caller's idempotency key: the same key is the same charge; with other input it is refused. */
  operationKey?: string | null;
  initiator: ChargeInitiator;
}

export type ChargeErrorCode = ChargeableProblem | 'description_invalid' | 'over_operator_limit' | 'operation_key_conflict' | 'request_invalid';

export type ChargeResult = ServiceResult<{ payment: Payment; replayed: boolean }, ChargeErrorCode>;

/**
 * THE charge: the one domain operation behind the staff form, the merchant API and the billing scheduler (the
 * buyer's confirm page runs the same steps on a row created earlier, see confirm-payment-request.ts).
 * Checks → writes the payment row (CREATED, fresh paymentRequestId, exact body hash and sealed body, initiator,
 * operation key + fingerprint) and its timeline/audit entries in one transaction, commits → pay outside any
 * transaction → S SUCCEEDED, F FAILED with the reason in words, anything else UNKNOWN / PROCESSING for the
 * resolver. A declined payment is a successful charge call whose payment is FAILED.
 */
export async function charge(deps: PaymentDeps, input: ChargeInput): Promise<ChargeResult> {
  const actor = input.initiator.kind === 'staff' ? input.initiator.actor : null;
  if (actor) assertCan(actor, 'payments.charge');
  const now = nowOf(deps);
  const description = input.description.trim();
  if (description.length === 0 || description.length > 256) {
    return { ok: false, code: 'description_invalid', error: 'Enter a description of 1 to 256 characters; the buyer sees it in the wallet.', fieldErrors: { description: ['Enter 1 to 256 characters.'] } };
  }

  const fingerprint = operationFingerprint(input.agreementId, input.amountMinor, input.currency ?? '', description);
  // A replayed key answers with its payment even if the agreement or the settings changed since, so every
  // refusal first looks for one; the accepted path finds it through the insert's conflict instead (one read
  // fewer on the hot path of every charge).
  const refuse = async (refusal: ChargeResult & { ok: false }): Promise<ChargeResult> =>
    (input.operationKey ? await findByOperationKey(deps, input.operationKey, fingerprint) : null) ?? refusal;

  const checked = await checkChargeable(deps.db, deps.vault, { agreementId: input.agreementId, amountMinor: input.amountMinor, currency: input.currency, now });
  if (!checked.ok) return refuse({ ok: false, code: checked.code, error: checked.error, ...(checked.code === 'amount_invalid' ? { fieldErrors: { amount: [checked.error] } } : {}) });
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

  const paymentId = randomUUID();
  const paymentRequestId = newPaymentRequestId();
  const referenceOrderId = input.referenceOrderId?.trim() || `ord_${randomBytes(12).toString('hex')}`;
  let built;
  try {
    built = buildPayRequest(deps, {
      paymentId,
      paymentRequestId,
      paymentMethod: checked.method.code,
      accessToken: checked.accessToken,
      amountMinor: input.amountMinor,
      currency: checked.currency,
      referenceOrderId,
      description,
      merchantName: settings.merchantName,
      now,
    });
  } catch (error) {
    if (isAlipayError(error, 'validation')) return refuse({ ok: false, code: 'request_invalid', error: error.message });
    throw error;
  }

  // The row, its two timeline entries and the audit row in one statement (atomic on its own, one round trip).
  // A conflict on the operation key inserts nothing at all: the entries are written only with a new row.
  // Hand-written (fixed columns, like the other hot-path statements): drizzle's insert builder spent more CPU
  // compiling this statement than PostgreSQL spends running it. Columns not named take their defaults.
  const at = now.toISOString();
  const entries = paymentEventValues([
    { paymentId, type: 'payment_created', cause: input.initiator.kind, detail: { amountMinor: input.amountMinor, currency: checked.currency }, at: now },
    { paymentId, type: 'pay_sent', cause: input.initiator.kind, detail: { attempt: 0 }, at: now },
  ]);
  const audit = actor
    ? sql`, audit as (insert into audit_log ${AUDIT_COLUMNS} select * from (values ${auditValues(actor, { action: 'payment.charge', objectType: 'payment', objectId: paymentId, at: now, after: { agreementId: checked.agreement.id, amountMinor: input.amountMinor, currency: checked.currency, description } })}) v where exists (select 1 from created))`
    : sql``;
  const [raw] = rowsOf<Record<string, unknown>>(
    await executePrepared(deps.db, sql`
      with created as (
        insert into payments (id, agreement_id, customer_id, payment_method, payment_request_id, amount_minor, currency, status, reference_order_id, description,
                              request_body_hash, request_body_ciphertext, expires_at, initiator, initiated_by, operation_key, operation_fingerprint, created_at, updated_at)
        values (${paymentId}::uuid, ${checked.agreement.id}::uuid, ${checked.agreement.customerId}::uuid, ${checked.method.code}, ${paymentRequestId},
                ${input.amountMinor.toString()}::bigint, ${checked.currency}, 'CREATED', ${referenceOrderId}, ${description},
                ${built.requestBodyHash}, ${built.requestBodyCiphertext}, ${built.expiresAt.toISOString()}::timestamptz, ${input.initiator.kind}::payment_initiator,
                ${actor?.userId ?? null}::uuid, ${input.operationKey ?? null}::text, ${input.operationKey ? fingerprint : null}::text, ${at}::timestamptz, ${at}::timestamptz)
        on conflict (operation_key) do nothing
        returning *
      ),
      entries as (insert into payment_events ${PAYMENT_EVENT_COLUMNS} select * from (values ${entries}) v where exists (select 1 from created))${audit}
      select * from created`),
  );
  if (!raw) {
    // Another request with the same operation key won the insert a moment ago: that one is this charge.
    const replay = await findByOperationKey(deps, input.operationKey!, fingerprint);
    if (replay) return replay;
    throw new Error('operation key conflict without a row');
  }
  const inserted = mapRow(payments, raw);

  const payment = await sendPay(deps, inserted, 'first', input.initiator.kind, { sentEventRecorded: true });
  return { ok: true, data: { payment, replayed: false } };
}

async function findByOperationKey(deps: PaymentDeps, operationKey: string, fingerprint: string): Promise<ChargeResult | null> {
  const [existing] = await deps.db.select().from(payments).where(eq(payments.operationKey, operationKey)).limit(1);
  if (!existing) return null;
  if (existing.operationFingerprint !== fingerprint) {
    return { ok: false, code: 'operation_key_conflict', error: 'This form was already submitted with different details. Reload the page to start a new charge.' };
  }
  return { ok: true, data: { payment: existing, replayed: true } };
}

/** What an operation key was first used for: the same key with another agreement, amount or text is refused. */
export function operationFingerprint(agreementId: string, amountMinor: bigint, currency: string, description: string): string {
  return createHash('sha256').update([agreementId, amountMinor.toString(), currency, description].join('\u0000')).digest('hex');
}
