import { and, asc, inArray, lt } from 'drizzle-orm';
import { refunds } from '@/lib/db/schema';
import { nowOf, REFUND_RESOLVE_JOB, type RefundDeps } from './refund-deps';

/**
 * Finds refunds nobody is following — PENDING or UNKNOWN and untouched for `staleMs` (a crash between the
 * commit and the call, a lost job) — and hands each to the resolver. Enqueueing is keyed per refund, so a
 * refund already queued is not queued twice and the sweep may run on any number of workers.
 */
export async function sweepUnsettledRefunds(deps: Pick<RefundDeps, 'db' | 'enqueue' | 'now'>, options: { staleMs: number; limit?: number }): Promise<number> {
  const cutoff = new Date(nowOf(deps).getTime() - options.staleMs);
  const rows = await deps.db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(inArray(refunds.status, ['PENDING', 'UNKNOWN']), lt(refunds.updatedAt, cutoff)))
    .orderBy(asc(refunds.updatedAt))
    .limit(options.limit ?? 500);
  for (const row of rows) await deps.enqueue(REFUND_RESOLVE_JOB, { refundId: row.id }, { singletonKey: `refund:${row.id}` });
  return rows.length;
}
