import { and, eq, inArray, lt, or } from 'drizzle-orm';
import { payments } from '@/lib/db/schema';
import { nowOf, scheduleResolver, type PaymentDeps } from './payment-deps';

/**
 * Re-enqueues the resolver for every payment still open: UNKNOWN / PROCESSING, and CREATED rows whose pay call
 * should long have answered (the process died between commit and call). The queue keeps one waiting job per
 * payment, so enqueuing one that already has a job changes nothing. Returns how many it looked at.
 */
export async function sweepOpenPayments(deps: PaymentDeps, limit = 500): Promise<number> {
  const now = nowOf(deps);
  const abandonedBefore = new Date(now.getTime() - deps.alipay.worstCaseCallMs('pay') - 5_000);
  const rows = await deps.db
    .select({ id: payments.id })
    .from(payments)
    .where(or(inArray(payments.status, ['UNKNOWN', 'PROCESSING']), and(eq(payments.status, 'CREATED'), lt(payments.createdAt, abandonedBefore))))
    .orderBy(payments.createdAt)
    .limit(limit);
  for (const row of rows) await scheduleResolver(deps, row.id, 1);
  return rows.length;
}
