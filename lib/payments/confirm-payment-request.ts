import { timingSafeEqual } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { isAlipayError } from '@/lib/alipay';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { payments, type Payment } from '@/lib/db/schema';
import { buildPayRequest } from './build-pay-request';
import { checkChargeable } from './check-chargeable';
import { confirmFormToken, getBuyerPayment } from './get-buyer-payment';
import { recordPaymentEvent } from './payment-events';
import { nowOf, type PaymentDeps } from './payment-deps';
import { sendPay } from './send-pay';

export type ConfirmOutcome =
  | { kind: 'confirmed'; payment: Payment }
  /** A double click, a reload of the POST or a used link: the one charge already under way or done. */
  | { kind: 'already_confirmed'; payment: Payment }
  | { kind: 'unknown' }
  | { kind: 'expired'; payment: Payment }
  | { kind: 'forged'; payment: Payment }
  | { kind: 'not_chargeable'; payment: Payment };

/**
 * The buyer's one click. Runs the charge's own steps on the waiting row: the form token must be this page's,
 * the link unexpired, the agreement still chargeable; then one guarded UPDATE REQUIRES_CONFIRMATION → CREATED
 * (with the exact body hash and sealed body) elects the single request that calls pay — every other click
 * gets 'already_confirmed' and follows the same payment. Nothing is written or sent on any refusal.
 */
export async function confirmPaymentRequest(deps: PaymentDeps, input: { token: string; formToken: string | null | undefined }): Promise<ConfirmOutcome> {
  const found = await getBuyerPayment(deps.db, deps.vault, input.token);
  if (!found.ok) return { kind: 'unknown' };
  const payment = found.data.payment;
  if (payment.status !== 'REQUIRES_CONFIRMATION') return { kind: 'already_confirmed', payment };
  if (!sameToken(input.formToken, confirmFormToken(deps.vault, payment.id))) return { kind: 'forged', payment };
  const now = nowOf(deps);
  if (!payment.confirmExpiresAt || payment.confirmExpiresAt <= now) return { kind: 'expired', payment };
  const checked = await checkChargeable(deps.db, deps.vault, { agreementId: payment.agreementId, amountMinor: payment.amountMinor, currency: payment.currency, now });
  if (!checked.ok) return { kind: 'not_chargeable', payment };
  let built;
  try {
    built = buildPayRequest(deps, {
      paymentId: payment.id,
      paymentRequestId: payment.paymentRequestId,
      paymentMethod: checked.method.code,
      accessToken: checked.accessToken,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      referenceOrderId: payment.referenceOrderId,
      description: payment.description,
      merchantName: checked.settings.merchantName,
      now,
    });
  } catch (error) {
    if (isAlipayError(error, 'validation')) return { kind: 'not_chargeable', payment };
    throw error;
  }
  const claimed = await deps.db.transaction(async (tx) => {
    const row = await guardedTransition(tx, payments, {
      id: payment.id,
      from: ['REQUIRES_CONFIRMATION'],
      to: 'CREATED',
      set: { requestBodyHash: built.requestBodyHash, requestBodyCiphertext: built.requestBodyCiphertext, expiresAt: built.expiresAt, updatedAt: now },
      where: and(gt(payments.confirmExpiresAt, now), eq(payments.agreementId, payment.agreementId)),
    });
    if (row) await recordPaymentEvent(tx, { paymentId: row.id, type: 'buyer_confirmed', cause: 'buyer', at: now });
    return row;
  });
  if (!claimed) {
    const [current] = await deps.db.select().from(payments).where(eq(payments.id, payment.id)).limit(1);
    return { kind: 'already_confirmed', payment: current ?? payment };
  }
  return { kind: 'confirmed', payment: await sendPay(deps, claimed, 'first', 'buyer') };
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
