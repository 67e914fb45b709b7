import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AlipayClient } from '@/lib/alipay';
import { classifyCall } from '@/lib/alipay/call-outcome';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { reconDiscrepancies, reportRows } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const inquireDiscrepancyInput = z.object({ discrepancyId: z.uuid() });

export interface InquiryAnswer {
  at: string;
  endpoint: 'inquiryPayment' | 'inquiryRefund';
  outcome: string;
  resultCode: string;
  /** Antom's status of the transaction (paymentStatus / refundStatus), when it answered. */
  status: string | null;
  amount: string | null;
  currency: string | null;
  reason: string | null;
}

/**
 * Asks Antom what it holds for the transaction behind a difference (inquiryPayment / inquiryRefund by our
 * request id), and keeps the answer on the discrepancy so the person settling it sees Antom's side next to
 * ours. Reads only — it changes no payment: the payment and refund resolvers own those transitions.
 */
export async function inquireDiscrepancy(deps: { db: Db; alipay: AlipayClient }, actor: Actor, input: z.output<typeof inquireDiscrepancyInput>): Promise<ServiceResult<InquiryAnswer>> {
  assertCan(actor, 'reconciliation.manage');
  const [row] = await deps.db
    .select({ d: reconDiscrepancies, type: reportRows.transactionType })
    .from(reconDiscrepancies)
    .leftJoin(reportRows, eq(reportRows.id, reconDiscrepancies.reportRowId))
    .where(eq(reconDiscrepancies.id, input.discrepancyId));
  if (!row) return fail('not_found', 'No such difference.');
  const requestId = row.d.transactionRequestId;
  if (!requestId) return fail('no_inquiry', 'A settlement batch total has no transaction to ask about; compare the files or contact Antom support.');
  const isRefund = row.d.refundId !== null || row.type === 'REFUND';
  const at = new Date().toISOString();
  let answer: InquiryAnswer;
  if (isRefund) {
    const outcome = await classifyCall(deps.alipay.inquiryRefund({ refundRequestId: requestId }, { subject: `recon:${row.d.id}` }));
    const data = outcome.kind === 'succeeded' || outcome.kind === 'failed' ? outcome.data : undefined;
    answer = {
      at,
      endpoint: 'inquiryRefund',
      outcome: outcome.kind,
      resultCode: outcome.resultCode,
      status: data?.refundStatus ?? null,
      amount: data?.refundAmount?.value ?? null,
      currency: data?.refundAmount?.currency ?? null,
      reason: outcome.kind === 'succeeded' ? null : outcome.reason,
    };
  } else {
    const outcome = await classifyCall(deps.alipay.inquiryPayment({ paymentRequestId: requestId }, { subject: `recon:${row.d.id}` }));
    const data = outcome.kind === 'succeeded' || outcome.kind === 'failed' ? outcome.data : undefined;
    answer = {
      at,
      endpoint: 'inquiryPayment',
      outcome: outcome.kind,
      resultCode: outcome.resultCode,
      status: data?.paymentStatus ?? null,
      amount: data?.paymentAmount?.value ?? null,
      currency: data?.paymentAmount?.currency ?? null,
      reason: outcome.kind === 'succeeded' ? null : outcome.reason,
    };
  }
  await deps.db.update(reconDiscrepancies).set({ inquiry: { ...answer } }).where(eq(reconDiscrepancies.id, row.d.id));
  return ok(answer);
}
