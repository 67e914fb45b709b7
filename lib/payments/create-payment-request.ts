import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, canChargeAmount } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { chargeIntents, payments } from '@/lib/db/schema';
import { newBusinessKey, parseBusinessKey } from '@/lib/intents/business-key';
import { findIntentByKey } from '@/lib/intents/find-intent';
import { defaultRetryPolicy } from '@/lib/intents/intent-rules';
import { formatAmount } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { newPaymentRequestId } from './build-pay-request';
import { checkChargeable, type ChargeableProblem } from './check-chargeable';
import { recordPaymentEvent } from './payment-events';
import { nowOf, type PaymentDeps } from './payment-deps';

export const CONFIRM_TOKEN_PURPOSE = 'paymentConfirm';
/** How long a buyer confirm link stays usable. */
export const CONFIRM_TTL_HOURS = 72;

export type CreatePaymentRequestResult = ServiceResult<
  { paymentId: string; token: string; path: string; orderReference: string },
  ChargeableProblem | 'description_invalid' | 'over_operator_limit' | 'reference_invalid' | 'reference_in_use'
>;

/** What the buyer's side of an existing intent looks like, for the refusal of a second link. */
const LINK_STATE: Record<string, string> = {
  REQUIRES_CONFIRMATION: 'its payment link is waiting for the buyer',
  CREATED: 'the buyer confirmed it and the payment is being sent',
  PROCESSING: 'the buyer confirmed it and the wallet is processing the payment',
  UNKNOWN: 'the buyer confirmed it and the payment is not confirmed yet',
  SUCCEEDED: 'it is paid',
  FAILED: 'its payment failed',
  CANCELLED: 'its payment was cancelled',
};

/**
 * Staff (later: the merchant API) ask the buyer to confirm one payment: the same checks as a charge, then a charge
 * intent (source buyer; business key = the order reference) and its one attempt, REQUIRES_CONFIRMATION, with a
 * fresh paymentRequestId and an unguessable link token (only its HMAC index is stored, so the URL is shown once).
 * Nothing is sent to Antom until the buyer confirms on /pay/<token>. A second link for an order reference that
 * already has an intent is refused, saying what became of the first.
 */
export async function createPaymentRequest(
  deps: Pick<PaymentDeps, 'db' | 'vault' | 'now'>,
  actor: Actor,
  input: { agreementId: string; amountMinor: bigint; currency?: string | null; description: string; referenceOrderId?: string | null },
): Promise<CreatePaymentRequestResult> {
  assertCan(actor, 'payments.charge');
  const now = nowOf(deps);
  const description = input.description.trim();
  if (description.length === 0 || description.length > 256) return { ok: false, code: 'description_invalid', error: 'Enter a description of 1 to 256 characters; the buyer sees it.' };
  const reference = parseBusinessKey(input.referenceOrderId);
  if (!reference.ok) return { ok: false, code: 'reference_invalid', error: reference.error, fieldErrors: { referenceOrderId: [reference.error] } };
  const businessKey = reference.key ?? newBusinessKey();
  const inUse = async () => {
    const existing = await findIntentByKey(deps.db, businessKey);
    const latest = existing?.attempts.at(-1);
    const state = latest ? (LINK_STATE[latest.status] ?? latest.status) : 'it is being created';
    return { ok: false as const, code: 'reference_in_use' as const, error: `Order reference ${businessKey} already has a payment request: ${state}. Use a new order reference for another payment.` };
  };
  if (reference.key && (await findIntentByKey(deps.db, reference.key))) return inUse();
  const checked = await checkChargeable(deps.db, deps.vault, { agreementId: input.agreementId, amountMinor: input.amountMinor, currency: input.currency, now });
  if (!checked.ok) return checked;
  if (!canChargeAmount(actor.role, input.amountMinor, checked.currency, checked.settings.operatorChargeLimits)) {
    const limit = checked.settings.operatorChargeLimits[checked.currency];
    return { ok: false, code: 'over_operator_limit', error: limit ? `Operators may request at most ${formatAmount(BigInt(limit), checked.currency)} at once.` : `No operator charge limit is set for ${checked.currency}, so only an admin can request it.` };
  }
  const token = randomBytes(24).toString('base64url');
  const paymentId = randomUUID();
  const intentId = randomUUID();
  const retry = defaultRetryPolicy('buyer');
  const created = await deps.db.transaction(async (tx) => {
    const [intent] = await tx
      .insert(chargeIntents)
      .values({
        id: intentId,
        businessKey,
        agreementId: checked.agreement.id,
        customerId: checked.agreement.customerId,
        amountMinor: input.amountMinor,
        currency: checked.currency,
        description,
        source: 'buyer',
        ...retry,
        createdBy: actor.userId,
        createdAt: now,
      })
      .onConflictDoNothing({ target: chargeIntents.businessKey })
      .returning({ id: chargeIntents.id });
    if (!intent) return false; // a concurrent request took this reference a moment ago
    await tx.insert(payments).values({
      id: paymentId,
      intentId,
      agreementId: checked.agreement.id,
      customerId: checked.agreement.customerId,
      paymentMethod: checked.method.code,
      paymentRequestId: newPaymentRequestId(),
      amountMinor: input.amountMinor,
      currency: checked.currency,
      status: 'REQUIRES_CONFIRMATION',
      referenceOrderId: businessKey,
      description,
      initiator: 'buyer',
      initiatedBy: actor.userId,
      confirmTokenIndex: deps.vault.index(token, CONFIRM_TOKEN_PURPOSE),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_TTL_HOURS * 3600_000),
      createdAt: now,
      updatedAt: now,
    });
    await recordPaymentEvent(tx, { paymentId, type: 'confirm_link_created', cause: 'staff', detail: { by: actor.email }, at: now });
    await recordAudit(tx, actor, { action: 'payment.request_created', objectType: 'payment', objectId: paymentId, at: now, after: { amountMinor: input.amountMinor, currency: checked.currency, description, orderReference: businessKey } });
    return true;
  });
  if (!created) return inUse();
  return { ok: true, data: { paymentId, token, path: `/pay/${token}`, orderReference: businessKey } };
}
