import { faultPoint } from '@/lib/faults/fault-point';
import { eq } from 'drizzle-orm';
import { correlate } from '@/lib/log/context';
import { type EndpointRequest } from '@/lib/alipay';
import { classifyCall, type CallOutcome } from '@/lib/alipay/call-outcome';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { payments, type Payment } from '@/lib/db/schema';
import { applyPaymentResult } from './apply-payment-result';
import type { BuiltPayRequest } from './build-pay-request';
import { recordPaymentEvent, type PaymentEventCause } from './payment-events';
import { nowOf, payBodyAad, paymentSubject, scheduleResolver, type PaymentDeps } from './payment-deps';

/** Seconds before the resolver first looks at a payment Antom said is in process (Antom: re-check after 3–5 s). */
export const FIRST_INQUIRY_AFTER_SECONDS = 2;

/**
 * Sends the stored pay request of a payment — the first time or as a byte-identical resend — outside any
 * transaction, and records what came back. Never retries in the transport (the retry table says so for pay): the resolver owns
 * resends, with its count in the database. Returns the payment as it stands afterwards.
 */
export async function sendPay(
  deps: PaymentDeps,
  payment: Payment,
  kind: 'first' | 'resend',
  cause: PaymentEventCause,
  options: { sentEventRecorded?: boolean; built?: Pick<BuiltPayRequest, 'request' | 'serialized'> } = {},
): Promise<Payment> {
  correlate(payment.paymentRequestId);
  if (!payment.requestBodyCiphertext || !payment.requestBodyHash) throw new Error(`payment ${payment.id} has no stored pay request`);
  // The first send right after the row was written carries the request as it was built (the very bytes sealed
  // in the row); any other send opens the stored body. Either way the body's hash must be the stored one.
  const built = kind === 'first' ? options.built : undefined;
  const request = built ? built.request : (JSON.parse(deps.vault.open(payment.requestBodyCiphertext, payBodyAad(payment.id))) as EndpointRequest<'pay'>);
  // The first send's 'pay_sent' entry is written with the row itself (one transaction fewer on the hot path).
  if (kind === 'resend' || !options.sentEventRecorded) {
    await recordPaymentEvent(deps.db, { paymentId: payment.id, type: kind === 'first' ? 'pay_sent' : 'resend', cause, detail: { attempt: payment.resolverAttempts } });
  }
  const outcome = await classifyCall(
    deps.alipay.pay(request, { subject: paymentSubject(payment.id), expectedBodySha256: payment.requestBodyHash, ...(built ? { serialized: built.serialized } : {}) }),
  );
  if (kind === 'first') faultPoint('charge.before-commit');
  return recordPayOutcome(deps, payment, outcome, kind);
}

/** Maps a pay (or replayed pay) outcome onto the row: S, F, in process, unknown, or not sent. */
export async function recordPayOutcome(
  deps: PaymentDeps,
  payment: Payment,
  outcome: CallOutcome<{ paymentId?: string | null; paymentAmount?: { value: string; currency: string } | null; paymentTime?: string | null }>,
  kind: 'first' | 'resend',
): Promise<Payment> {
  const at = nowOf(deps);
  const antomPaymentId = 'data' in outcome ? (outcome.data?.paymentId ?? null) : null;
  const answered = { outcome: outcome.kind, resultCode: outcome.resultCode, kind };
  if (outcome.kind === 'succeeded') {
    const applied = await applyPaymentResult(deps.db, {
      paymentRequestId: payment.paymentRequestId,
      paymentId: antomPaymentId,
      outcome: 'succeeded',
      resultCode: outcome.resultCode,
      cause: 'pay',
      at,
      amount: outcome.data.paymentAmount ?? null,
      paymentTime: outcome.data.paymentTime ?? null,
    });
    // An applied answer is on the timeline as its status change (source 'pay'); only a no-op answer gets its own entry.
    if (applied.kind !== 'applied') await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'pay_answered', cause: 'system', detail: answered, at });
    return applied.payment ?? payment;
  }
  if (outcome.kind === 'failed' || (outcome.kind === 'not_sent' && kind === 'first')) {
    // not_sent on the first send: nothing left this process, so the payment simply failed (no money moved).
    // The one transition applies the consequences too (a dead token ends the agreement in the same transaction).
    const applied = await applyPaymentResult(deps.db, { paymentRequestId: payment.paymentRequestId, paymentId: antomPaymentId, outcome: 'failed', resultCode: outcome.resultCode, reason: outcome.reason, cause: 'pay', at });
    if (applied.kind !== 'applied') await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'pay_answered', cause: 'system', detail: answered, at });
    return applied.payment ?? payment;
  }
  // U (in process or not), timeout, 5xx, unverifiable, or a resend that could not leave: the resolver owns it.
  const inProcess = outcome.kind === 'unknown' && outcome.resultCode === 'PAYMENT_IN_PROCESS';
  const moved = await guardedTransition(deps.db, payments, {
    id: payment.id,
    from: inProcess ? ['CREATED', 'UNKNOWN'] : ['CREATED'],
    to: inProcess ? 'PROCESSING' : 'UNKNOWN',
    set: { resultCode: outcome.resultCode, ...(antomPaymentId ? { paymentId: antomPaymentId } : {}), updatedAt: at },
  });
  await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'pay_answered', cause: 'system', detail: answered, at });
  if (kind === 'first') {
    await scheduleResolver(deps, payment.id, inProcess ? FIRST_INQUIRY_AFTER_SECONDS : 1);
    await recordPaymentEvent(deps.db, { paymentId: payment.id, type: 'resolver_scheduled', cause: 'system', at });
  }
  if (moved) return moved;
  const [current] = await deps.db.select().from(payments).where(eq(payments.id, payment.id)).limit(1);
  return current ?? payment;
}
