import { and, eq, inArray } from 'drizzle-orm';
import { correlate } from '@/lib/log/context';
import { describeResult } from '@/lib/alipay';
import { classifyCall } from '@/lib/alipay/call-outcome';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { payments, type Payment } from '@/lib/db/schema';
import { applyPaymentResult } from './apply-payment-result';
import { recordPaymentEvent } from './payment-events';
import { isFinal, nowOf, OPEN_STATUSES, PAYMENT_EXPIRY_SECONDS, paymentSubject, scheduleResolver, type PaymentDeps } from './payment-deps';
import { sendPay } from './send-pay';

/** Byte-identical resends of a pay that got no trustworthy answer, before switching to inquiry. */
export const MAX_RESENDS = 3;
/** Inquiry back-off (Antom's AgreementPayDemoCode: 2, 4, 8, 16, 32 s), then every 32 s. */
export const INQUIRY_BACKOFF_SECONDS = [2, 4, 8, 16, 32] as const;
/**
 * Cancel this long before Antom's own paymentExpiryTime: at the expiry the wallet closes the payment itself
 * (FAIL ORDER_IS_CLOSED); cancelling just before makes both sides agree on CANCELLED instead of racing it.
 */
export const CANCEL_LEAD_MS = 5_000;
/**
 * How far Antom's clock may be from ours. An ORDER_NOT_EXIST from the cancel sent just before the expiry is taken
 * as "never received" only after one more inquiry made this long after the expiry: until then a pay still in
 * flight could reach Antom and be created.
 */
export const CLOCK_SKEW_MS = 30_000;

export type ResolveStep = 'final' | 'taken' | 'resent' | 'inquired' | 'cancelled' | 'cancel_pending';

/**
 * One step of the resolver for an UNKNOWN / PROCESSING (or abandoned CREATED) payment. Each run claims its step
 * with a guarded increment of `resolverAttempts`, so two workers never take the same step and a restarted worker
 * resumes from the database: steps 0–2 resend the identical request (UNKNOWN only; PROCESSING means Antom has
 * it), later steps inquire with back-off; at the deadline it inquires once more and cancels. A cancel that finds
 * the payment succeeded (refused as not cancellable, then inquired) ends SUCCEEDED. Schedules its next step.
 */
export async function resolvePayment(deps: PaymentDeps, paymentId: string): Promise<ResolveStep> {
  const [loaded] = await deps.db.select().from(payments).where(eq(payments.id, paymentId)).limit(1);
  if (loaded) correlate(loaded.paymentRequestId);
  if (!loaded || !(OPEN_STATUSES as readonly string[]).includes(loaded.status)) return 'final';
  // Antom reported a success for another amount than ours: a person decides (the flag says what); the resolver
  // must not cancel a payment Antom says it made.
  if (loaded.reconciliationFlag) return 'final';
  const step = loaded.resolverAttempts;
  const [payment] = await deps.db
    .update(payments)
    .set({ resolverAttempts: step + 1 })
    .where(and(eq(payments.id, paymentId), eq(payments.resolverAttempts, step), inArray(payments.status, [...OPEN_STATUSES])))
    .returning();
  if (!payment) return 'taken';

  const now = nowOf(deps);
  const expiresAt = payment.expiresAt ?? new Date(payment.createdAt.getTime() + PAYMENT_EXPIRY_SECONDS * 1000);
  const deadline = expiresAt.getTime() - CANCEL_LEAD_MS;

  if (now.getTime() >= deadline) return cancelAtDeadline(deps, payment, step, expiresAt);

  if (payment.status !== 'PROCESSING' && step < MAX_RESENDS) {
    const after = await sendPay(deps, payment, 'resend', 'job');
    if (!isFinal(after.status)) await scheduleNext(deps, after, 1, deadline);
    return 'resent';
  }

  const settled = await inquire(deps, payment);
  if (settled) return 'final';
  const inquiries = payment.status === 'PROCESSING' && step < MAX_RESENDS ? step : Math.max(0, step - MAX_RESENDS);
  await scheduleNext(deps, payment, INQUIRY_BACKOFF_SECONDS[Math.min(inquiries, INQUIRY_BACKOFF_SECONDS.length - 1)]!, deadline);
  return 'inquired';
}

/** Asks Antom; applies a final answer. True when the payment is now final. */
async function inquire(deps: PaymentDeps, payment: Payment): Promise<boolean> {
  const outcome = await classifyCall(deps.alipay.inquiryPayment({ paymentRequestId: payment.paymentRequestId }, { subject: paymentSubject(payment.id) }));
  const at = nowOf(deps);
  const status = outcome.kind === 'succeeded' ? (outcome.data.paymentStatus ?? null) : null;
  await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'inquiry', cause: 'job', detail: { outcome: outcome.kind, resultCode: outcome.resultCode, paymentStatus: status }, at });
  if (outcome.kind !== 'succeeded') return false;
  const data = outcome.data;
  const base = { paymentRequestId: payment.paymentRequestId, paymentId: data.paymentId ?? null, cause: 'inquiry' as const, at, amount: data.paymentAmount ?? null, paymentTime: data.paymentTime ?? null };
  if (status === 'SUCCESS') return isFinal((await applyPaymentResult(deps.db, { ...base, outcome: 'succeeded', resultCode: 'SUCCESS' })).payment?.status ?? 'UNKNOWN');
  if (status === 'FAIL') {
    const code = data.paymentResultCode ?? 'PROCESS_FAIL';
    const reason = describeResult({ resultStatus: 'F', resultCode: code }).meaning;
    return isFinal((await applyPaymentResult(deps.db, { ...base, outcome: 'failed', resultCode: code, reason })).payment?.status ?? 'UNKNOWN');
  }
  if (status === 'CANCELLED') {
    return isFinal((await applyPaymentResult(deps.db, { ...base, outcome: 'cancelled', resultCode: data.paymentResultCode ?? 'ORDER_IS_CLOSED', reason: 'The payment was cancelled.' })).payment?.status ?? 'UNKNOWN');
  }
  // Antom has it and is still working on it: no more resends, only inquiries.
  if (payment.status === 'UNKNOWN' || payment.status === 'CREATED') {
    await guardedTransition(deps.db, payments, { id: payment.id, from: ['UNKNOWN', 'CREATED'], to: 'PROCESSING', set: { ...(data.paymentId && !payment.paymentId ? { paymentId: data.paymentId } : {}), updatedAt: at } });
  }
  return false;
}

/** The deadline: one last inquiry, then cancel so Antom and we agree; retried until final. */
async function cancelAtDeadline(deps: PaymentDeps, payment: Payment, step: number, expiresAt: Date): Promise<ResolveStep> {
  if (await inquire(deps, payment)) return 'final';
  await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'cancel_sent', cause: 'job', detail: { attempt: step } });
  const outcome = await classifyCall(deps.alipay.cancel({ paymentRequestId: payment.paymentRequestId }, { subject: paymentSubject(payment.id) }));
  const at = nowOf(deps);
  await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'cancel_answered', cause: 'job', detail: { outcome: outcome.kind, resultCode: outcome.resultCode }, at });
  if (outcome.kind === 'succeeded') {
    await applyPaymentResult(deps.db, { paymentRequestId: payment.paymentRequestId, paymentId: outcome.data.paymentId ?? null, outcome: 'cancelled', resultCode: 'CANCELLED_BY_RESOLVER', reason: 'No final answer came before the payment expired, so Daikou cancelled it; nothing was debited.', cause: 'cancel', at });
    return 'cancelled';
  }
  if (outcome.kind === 'failed' && outcome.resultCode === 'ORDER_NOT_EXIST') {
    const settleAfter = expiresAt.getTime() + CLOCK_SKEW_MS;
    if (at.getTime() < settleAfter) {
      // Sent just before the expiry: a pay still on its way could yet be created. Ask again once the expiry and
      // the clock-skew margin have passed (this step's inquiry runs first then).
      await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'resolver_scheduled', cause: 'job', detail: { reason: 'ORDER_NOT_EXIST before expiry + clock skew; asking again after', at: new Date(settleAfter).toISOString() }, at });
      await scheduleResolver(deps, payment.id, Math.ceil((settleAfter - at.getTime()) / 1000));
      return 'cancel_pending';
    }
    // Antom never received the request, and its expiry (plus any clock skew) has passed, so it can no longer be
    // created, and the inquiry made in this step found nothing: no money moved.
    await applyPaymentResult(deps.db, { paymentRequestId: payment.paymentRequestId, outcome: 'failed', resultCode: 'ORDER_NOT_EXIST', reason: 'Antom never received this payment before it expired; nothing was debited.', cause: 'cancel', at });
    return 'final';
  }
  // Refused (already final at Antom: succeeded, failed or closed) — read the truth; or no answer — try again.
  if (outcome.kind === 'failed' && (await inquire(deps, payment))) return 'final';
  const retryIn = INQUIRY_BACKOFF_SECONDS[Math.min(Math.max(0, step - MAX_RESENDS), INQUIRY_BACKOFF_SECONDS.length - 1)]!;
  await scheduleResolver(deps, payment.id, retryIn);
  return 'cancel_pending';
}

async function scheduleNext(deps: PaymentDeps, payment: Payment, delaySeconds: number, deadline: number): Promise<void> {
  const untilDeadline = Math.ceil((deadline - nowOf(deps).getTime()) / 1000);
  await scheduleResolver(deps, payment.id, Math.max(1, Math.min(delaySeconds, untilDeadline)));
}
