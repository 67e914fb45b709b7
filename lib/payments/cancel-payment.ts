import { and, eq, isNull, lt, ne, or } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay/call-outcome';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/db/is-uuid';
import { payments, refunds, type Payment } from '@/lib/db/schema';
import type { ServiceResult } from '@/lib/service-result';
import { applyPaymentResult } from './apply-payment-result';
import { cancelDeadline } from './cancel-deadline';
import { recordPaymentEvent } from './payment-events';
import { nowOf, paymentSubject, type PaymentDeps } from './payment-deps';

export type CancelErrorCode =
  | 'not_found'
  | 'not_cancellable'
  | 'window_closed'
  | 'has_refunds'
  | 'reason_required'
  | 'cancel_refused'
  | 'cancel_unknown'
  | 'cancel_in_progress';

export type CancelResult = ServiceResult<{ payment: Payment }, CancelErrorCode>;

/** Cancel is idempotent at Antom: the same request repeated on U is safe. */
const CANCEL_ATTEMPTS = 3;
/**
 * A claim older than this is taken as abandoned (its process died, or Antom never confirmed): a new cancel may
 * take it over and ask again (the same cancel request; idempotent at Antom). Refunds stay refused meanwhile.
 */
export const CANCEL_CLAIM_STALE_MS = 120_000;

/**
 * Staff cancel of a SUCCEEDED payment (full; Antom returns the money and the fee): only within Antom's window
 * (until 00:15 GMT+8 on T+1) and only while it has no refund at all — each refused before any call with the
 * reason. Before calling, the cancel claims the payment with one guarded UPDATE (SUCCEEDED, nothing refunded or
 * reserved, no live claim): a refund's reservation excludes a claimed payment, and of concurrent cancels only
 * the claimant calls Antom. The call runs outside any transaction; S → CANCELLED through applyPaymentResult;
 * F → the claim is released with the reason; no answer → retried with the same request, then reported as unknown
 * (the claim stays, so no refund can cross the cancel that may have landed; reconciliation shows the truth).
 */
export async function cancelPayment(deps: PaymentDeps, actor: Actor, input: { paymentId: string; reason: string }): Promise<CancelResult> {
  assertCan(actor, 'payments.cancel');
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 500) return { ok: false, code: 'reason_required', error: 'Say why the payment is cancelled (up to 500 characters).' };
  if (!isUuid(input.paymentId)) return { ok: false, code: 'not_found', error: 'No such payment.' };
  const now = nowOf(deps);
  const [payment] = await deps.db.select().from(payments).where(eq(payments.id, input.paymentId)).limit(1);
  if (!payment) return { ok: false, code: 'not_found', error: 'No such payment.' };
  const refusal = cancelRefusal(payment, now);
  if (refusal) return { ok: false, ...refusal };
  const [refund] = await deps.db.select({ id: refunds.id }).from(refunds).where(and(eq(refunds.paymentId, payment.id), ne(refunds.status, 'FAILED'))).limit(1);
  if (refund) return { ok: false, code: 'has_refunds', error: 'This payment has a refund, so it can no longer be cancelled; refund the rest instead.' };

  const staleBefore = new Date(now.getTime() - CANCEL_CLAIM_STALE_MS);
  const claimed = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(payments)
      .set({ cancelClaimedAt: now, updatedAt: now })
      .where(
        and(
          eq(payments.id, payment.id),
          eq(payments.status, 'SUCCEEDED'),
          eq(payments.refundedMinor, 0n),
          eq(payments.refundPendingMinor, 0n),
          or(isNull(payments.cancelClaimedAt), lt(payments.cancelClaimedAt, staleBefore)),
        ),
      )
      .returning();
    if (!row) return null;
    await recordPaymentEvent(tx, { paymentId: payment.id, type: 'staff_action', cause: 'staff', detail: { action: 'cancel', by: actor.email }, at: now });
    await recordAudit(tx, actor, { action: 'payment.cancel_requested', objectType: 'payment', objectId: payment.id, at: now, after: { reason } });
    return row;
  });
  if (!claimed) return explainLostClaim(deps, payment.id, now);

  for (let attempt = 1; attempt <= CANCEL_ATTEMPTS; attempt++) {
    await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'cancel_sent', cause: 'staff', detail: { attempt } });
    const outcome = await classifyCall(deps.alipay.cancel({ paymentRequestId: payment.paymentRequestId }, { subject: paymentSubject(payment.id) }));
    const at = nowOf(deps);
    await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'cancel_answered', cause: 'staff', detail: { outcome: outcome.kind, resultCode: outcome.resultCode }, at });
    if (outcome.kind === 'succeeded') {
      const applied = await applyPaymentResult(deps.db, { paymentRequestId: payment.paymentRequestId, outcome: 'cancelled', resultCode: 'SUCCESS', reason: `Cancelled by ${actor.email}: ${reason}`, cause: 'cancel', at });
      return { ok: true, data: { payment: applied.payment ?? payment } };
    }
    if (outcome.kind === 'failed' || outcome.kind === 'not_sent') {
      // Antom said no (or nothing left): nothing was cancelled, so refunds may go ahead again.
      await deps.db.update(payments).set({ cancelClaimedAt: null, updatedAt: at }).where(and(eq(payments.id, payment.id), eq(payments.cancelClaimedAt, now)));
      return { ok: false, code: 'cancel_refused', error: `Antom refused the cancel: ${outcome.reason}` };
    }
  }
  return { ok: false, code: 'cancel_unknown', error: 'Antom did not confirm the cancel. Refunds are held until it does; try the cancel again in two minutes (repeating it is safe).' };
}

/** Why the claim was not won: another cancel holds it, a refund came first, or the payment changed. */
async function explainLostClaim(deps: PaymentDeps, paymentId: string, now: Date): Promise<CancelResult> {
  const [current] = await deps.db.select().from(payments).where(eq(payments.id, paymentId)).limit(1);
  if (!current) return { ok: false, code: 'not_found', error: 'No such payment.' };
  const refusal = cancelRefusal(current, now);
  if (refusal) return { ok: false, ...refusal };
  return { ok: false, code: 'cancel_in_progress', error: 'A cancel of this payment is already under way; its result shows on the timeline in a moment.' };
}

/** Why this payment cannot be cancelled now, or null. Also used by the detail page to disable the button. */
export function cancelRefusal(payment: Pick<Payment, 'status' | 'createdAt' | 'refundedMinor' | 'refundPendingMinor'>, now: Date): { code: CancelErrorCode; error: string } | null {
  if (payment.status !== 'SUCCEEDED') return { code: 'not_cancellable', error: payment.status === 'CANCELLED' ? 'This payment is already cancelled.' : 'Only a successful payment can be cancelled.' };
  if (payment.refundedMinor > 0n || payment.refundPendingMinor > 0n) return { code: 'has_refunds', error: 'This payment has a refund, so it can no longer be cancelled; refund the rest instead.' };
  if (now > cancelDeadline(payment.createdAt)) return { code: 'window_closed', error: "Antom's cancel window closed at 00:15 (GMT+8) the day after the payment; refund it instead." };
  return null;
}
