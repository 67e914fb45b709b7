import { correlate } from '@/lib/log/context';
import { and, eq, inArray } from 'drizzle-orm';
import { classifyCall, type CallOutcome, type EndpointResponse } from '@/lib/alipay';
import { payments, refunds } from '@/lib/db/schema';
import { applyRefundResult } from './apply-refund-result';
import { buildRefundRequest, MAX_REFUND_RESENDS, nowOf, REFUND_RESOLVE_JOB, refundSubject, type RefundDeps } from './refund-deps';
import { recordRefundEvent } from './refund-events';

/** inquiryRefund's answers for a refund Antom does not have (ams-api.md §10.4): both mean "not there". */
const REFUND_NOT_THERE: ReadonlySet<string> = new Set(['REFUND_NOT_EXIST', 'ORDER_NOT_EXIST']);

/**
 * Longest wait between inquiries. Antom's FAQ asks for decreasing frequency; reliability R4 wants every unknown
 * refund final within 15 minutes, so the back-off stops growing at 5 minutes and never gives up.
 */
export const MAX_INQUIRY_DELAY_SECONDS = 5 * 60;

export type ResolveRefundStep = 'settled' | 'already_final' | 'not_found' | 'claimed_elsewhere' | 'scheduled';

/** Seconds before the next step after `attempts` steps: resends 2 s apart, then inquiries 2, 4, 8, 16 … s. */
export function nextRefundDelaySeconds(attempts: number): number {
  if (attempts < MAX_REFUND_RESENDS) return 2;
  return Math.min(2 ** (attempts - MAX_REFUND_RESENDS + 1), MAX_INQUIRY_DELAY_SECONDS);
}

/**
 * One step of the refund resolver for a PENDING / UNKNOWN refund: the first MAX_REFUND_RESENDS steps resend
 * the byte-identical refund (same refundRequestId, hash-checked), later steps ask inquiryRefund; a final
 * answer goes through applyRefundResult, anything else schedules the next step with back-off. Each step is
 * claimed by bumping `resolver_attempts` from the value read (a guarded UPDATE), so two workers never take
 * the same step, and everything lives in the row: a restart resumes at the next step.
 */
export async function resolveRefund(deps: RefundDeps, refundRowId: string): Promise<ResolveRefundStep> {
  const { db } = deps;
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, refundRowId)).limit(1);
  if (!refund) return 'not_found';
  if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED') return 'already_final';
  const [payment] = await db.select().from(payments).where(eq(payments.id, refund.paymentId)).limit(1);
  if (!payment) return 'not_found';
  correlate(payment.paymentRequestId);

  const attempt = refund.resolverAttempts;
  const [claimed] = await db
    .update(refunds)
    .set({ resolverAttempts: attempt + 1, updatedAt: nowOf(deps) })
    .where(and(eq(refunds.id, refund.id), inArray(refunds.status, ['PENDING', 'UNKNOWN']), eq(refunds.resolverAttempts, attempt)))
    .returning();
  if (!claimed) return 'claimed_elsewhere';

  const subject = refundSubject(payment.id);
  const resend = async (): Promise<CallOutcome<EndpointResponse<'refund'>>> => {
    const outcome = await classifyCall(
      deps.alipay.refund(buildRefundRequest(claimed, payment, deps.refundNotifyUrl), {
        subject,
        ...(claimed.requestBodyHash ? { expectedBodySha256: claimed.requestBodyHash } : {}),
      }),
    );
    await recordRefundEvent(db, {
      paymentId: payment.id,
      refundId: claimed.id,
      type: 'refund_resend',
      cause: 'job',
      at: nowOf(deps),
      detail: { attempt: attempt + 1, kind: outcome.kind, resultCode: outcome.resultCode, ...(outcome.kind !== 'succeeded' ? { reason: outcome.reason } : {}) },
    });
    return outcome;
  };

  let final: { outcome: 'succeeded' | 'failed'; resultCode: string; refundId: string | null; reason?: string; cause: 'refund' | 'inquiry'; refundTime?: string | null } | null = null;
  let skipToInquiry = false;

  if (attempt < MAX_REFUND_RESENDS) {
    const outcome = await resend();
    if (outcome.kind === 'succeeded') final = { outcome: 'succeeded', resultCode: outcome.resultCode, refundId: outcome.data.refundId ?? null, cause: 'refund', refundTime: outcome.data.refundTime ?? null };
    // An F answer to a resend of the same refundRequestId is Antom's final word on that id (§1.8).
    else if (outcome.kind === 'failed') final = { outcome: 'failed', resultCode: outcome.resultCode, refundId: null, reason: outcome.reason, cause: 'refund' };
    // not_sent on a resend (e.g. the body would differ after a config change): never send another body; inquire.
    else if (outcome.kind === 'not_sent') skipToInquiry = true;
  } else {
    const inquiry = await classifyCall(deps.alipay.inquiryRefund({ refundRequestId: claimed.refundRequestId }, { subject }));
    const status = inquiry.kind === 'succeeded' ? (inquiry.data.refundStatus ?? null) : null;
    await recordRefundEvent(db, {
      paymentId: payment.id,
      refundId: claimed.id,
      type: 'refund_inquiry',
      cause: 'job',
      at: nowOf(deps),
      detail: { attempt: attempt + 1, kind: inquiry.kind, resultCode: inquiry.resultCode, refundStatus: status, ...(inquiry.kind !== 'succeeded' ? { reason: inquiry.reason } : {}) },
    });
    if (inquiry.kind === 'succeeded' && status === 'SUCCESS') {
      final = { outcome: 'succeeded', resultCode: 'SUCCESS', refundId: inquiry.data.refundId ?? null, cause: 'inquiry', refundTime: inquiry.data.refundTime ?? null };
    } else if (inquiry.kind === 'succeeded' && status === 'FAIL') {
      const code = inquiry.data.result.resultCode === 'SUCCESS' ? 'REFUND_FAIL' : inquiry.data.result.resultCode;
      final = { outcome: 'failed', resultCode: code, refundId: inquiry.data.refundId ?? null, reason: 'Antom reports the refund failed.', cause: 'inquiry' };
    } else if (inquiry.kind === 'failed' && REFUND_NOT_THERE.has(inquiry.resultCode)) {
      // Antom never received it (every earlier send was lost); Antom names this REFUND_NOT_EXIST or ORDER_NOT_EXIST. Sending the identical request is safe: same id.
      const outcome = await resend();
      if (outcome.kind === 'succeeded') final = { outcome: 'succeeded', resultCode: outcome.resultCode, refundId: outcome.data.refundId ?? null, cause: 'refund', refundTime: outcome.data.refundTime ?? null };
      else if (outcome.kind === 'failed') final = { outcome: 'failed', resultCode: outcome.resultCode, refundId: null, reason: outcome.reason, cause: 'refund' };
    }
  }

  if (final) {
    const settled = final;
    await db.transaction((tx) =>
      applyRefundResult(tx, {
        refundRequestId: claimed.refundRequestId,
        refundId: settled.refundId,
        outcome: settled.outcome,
        resultCode: settled.resultCode,
        ...(settled.reason ? { reason: settled.reason } : {}),
        cause: settled.cause,
        at: nowOf(deps),
        refundTime: settled.refundTime ?? null,
      }),
    );
    return 'settled';
  }

  // Still unknown: keep the reservation, mark the row UNKNOWN (it may still say PENDING after a crash) and come back.
  let attempts = attempt + 1;
  if (skipToInquiry && attempts < MAX_REFUND_RESENDS) {
    const [bumped] = await db
      .update(refunds)
      .set({ resolverAttempts: MAX_REFUND_RESENDS })
      .where(and(eq(refunds.id, claimed.id), eq(refunds.resolverAttempts, attempts)))
      .returning({ id: refunds.id });
    if (bumped) attempts = MAX_REFUND_RESENDS;
  }
  await db
    .update(refunds)
    .set({ status: 'UNKNOWN', updatedAt: nowOf(deps) })
    .where(and(eq(refunds.id, claimed.id), eq(refunds.status, 'PENDING')));
  await deps.enqueue(REFUND_RESOLVE_JOB, { refundId: claimed.id }, { startAfterSeconds: nextRefundDelaySeconds(attempts), singletonKey: `refund:${claimed.id}` });
  return 'scheduled';
}

