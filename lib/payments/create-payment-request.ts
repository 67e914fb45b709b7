import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, canChargeAmount } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { payments } from '@/lib/db/schema';
import { formatAmount } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { newPaymentRequestId } from './build-pay-request';
import { checkChargeable, type ChargeableProblem } from './check-chargeable';
import { recordPaymentEvent } from './payment-events';
import { nowOf, type PaymentDeps } from './payment-deps';

export const CONFIRM_TOKEN_PURPOSE = 'paymentConfirm';
/** How long a buyer confirm link stays usable. */
export const CONFIRM_TTL_HOURS = 72;

export type CreatePaymentRequestResult = ServiceResult<{ paymentId: string; token: string; path: string }, ChargeableProblem | 'description_invalid' | 'over_operator_limit'>;

/**
 * Staff (later: the merchant API) ask the buyer to confirm one payment: the same checks as a charge, then a
 * REQUIRES_CONFIRMATION row with a fresh paymentRequestId and an unguessable link token (only its HMAC index is
 * stored, so the URL is shown once). Nothing is sent to Antom until the buyer confirms on /pay/<token>.
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
  const checked = await checkChargeable(deps.db, deps.vault, { agreementId: input.agreementId, amountMinor: input.amountMinor, currency: input.currency, now });
  if (!checked.ok) return checked;
  if (!canChargeAmount(actor.role, input.amountMinor, checked.currency, checked.settings.operatorChargeLimits)) {
    const limit = checked.settings.operatorChargeLimits[checked.currency];
    return { ok: false, code: 'over_operator_limit', error: limit ? `Operators may request at most ${formatAmount(BigInt(limit), checked.currency)} at once.` : `No operator charge limit is set for ${checked.currency}, so only an admin can request it.` };
  }
  const token = randomBytes(24).toString('base64url');
  const paymentId = randomUUID();
  await deps.db.transaction(async (tx) => {
    await tx.insert(payments).values({
      id: paymentId,
      agreementId: checked.agreement.id,
      customerId: checked.agreement.customerId,
      paymentMethod: checked.method.code,
      paymentRequestId: newPaymentRequestId(),
      amountMinor: input.amountMinor,
      currency: checked.currency,
      status: 'REQUIRES_CONFIRMATION',
      referenceOrderId: input.referenceOrderId?.trim() || `ord_${randomBytes(12).toString('hex')}`,
      description,
      initiator: 'buyer',
      initiatedBy: actor.userId,
      confirmTokenIndex: deps.vault.index(token, CONFIRM_TOKEN_PURPOSE),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_TTL_HOURS * 3600_000),
      createdAt: now,
      updatedAt: now,
    });
    await recordPaymentEvent(tx, { paymentId, type: 'confirm_link_created', cause: 'staff', detail: { by: actor.email }, at: now });
    await recordAudit(tx, actor, { action: 'payment.request_created', objectType: 'payment', objectId: paymentId, at: now, after: { amountMinor: input.amountMinor, currency: checked.currency, description } });
  });
  return { ok: true, data: { paymentId, token, path: `/pay/${token}` } };
}
