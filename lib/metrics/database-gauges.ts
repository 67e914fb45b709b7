import type { Database } from '@/lib/db/client';
import { metrics } from './index';

/** Age bands of open payment attempts (the label values of daikou_open_payment_attempts). */
export const OPEN_ATTEMPT_AGES = ['under_1m', '1m_to_10m', '10m_to_1h', '1h_to_1d', 'over_1d'] as const;

/**
 * Reads the gauges that live in the database, at scrape time: open payment attempts by age, the job
 * queue's jobs by queue and state (pg-boss's table), open reconciliation items. Cheap aggregate queries on
 * indexed status columns; a failure leaves the previous values and is reported by the caller.
 */
export async function collectDatabaseGauges(database: Pick<Database, 'executeSql'>): Promise<void> {
  const m = metrics();
  const open = await database.executeSql(`
    select case
      when age < interval '1 minute' then 'under_1m'
      when age < interval '10 minutes' then '1m_to_10m'
      when age < interval '1 hour' then '10m_to_1h'
      when age < interval '1 day' then '1h_to_1d'
      else 'over_1d' end as band, count(*)::int as n
    from (select now() - created_at as age from payments where status in ('CREATED', 'PROCESSING', 'UNKNOWN')) open_attempts
    group by 1`);
  const bands = new Map((open.rows as { band: string; n: number }[]).map((r) => [r.band, Number(r.n)]));
  for (const age of OPEN_ATTEMPT_AGES) m.openAttempts.set({ age }, bands.get(age) ?? 0);

  const recon = await database.executeSql(`select count(*)::int as n from recon_discrepancies where status = 'OPEN'`);
  m.reconciliationOpen.set(Number((recon.rows[0] as { n: number } | undefined)?.n ?? 0));

  try {
    const queued = await database.executeSql(
      `select name, state::text as state, count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active', 'failed') group by 1, 2`,
    );
    m.queueJobs.reset();
    for (const row of queued.rows as { name: string; state: string; n: number }[]) m.queueJobs.set({ queue: row.name, state: row.state }, Number(row.n));
  } catch {
    // The queue's schema does not exist until a queue has started once: no jobs to count.
  }
}
