import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';

/** Rows deleted per statement: short statements, no long lock on a busy table. */
const BATCH = 5000;

/**
 * Deletes the records of rejected deliveries (rows with a rejection key) last seen before `now − retentionDays`,
 * in batches; verified deliveries (and everything linked to the inbox) are never touched. Idempotent.
 * Returns how many rows went.
 */
export async function purgeRejectedDeliveries(db: Db, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000).toISOString();
  let total = 0;
  for (;;) {
    const deleted = rowsOf<{ id: string }>(
      await db.execute(sql`
        delete from notification_deliveries where id in (
          select id from notification_deliveries
          where rejection_key is not null and last_received_at < ${cutoff}::timestamptz
          limit ${BATCH})
        returning id`),
    ).length;
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
