import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import type { Enqueue } from '@/lib/jobs/define-job';
import { inboxEvents } from '@/lib/db/schema';
import { APPLY_AUTH_CODE_JOB } from './notification-effect';

/** How long a pending follow-up may wait for its after-commit enqueue before the sweep re-enqueues it. */
export const PENDING_WORK_GRACE_MS = 60_000;

/**
 * The outbox sweep: a follow-up committed in the inbox but never enqueued (crash between commit and
 * enqueue) is enqueued again. Safe to repeat: the queue keeps one waiting job per inbox row and the job
 * skips rows already done.
 */
export async function requeuePendingNotificationWork(db: Db, enqueue: Enqueue, now: Date): Promise<number> {
  const rows = await db
    .select({ id: inboxEvents.id })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.workStatus, 'pending'), lt(inboxEvents.receivedAt, new Date(now.getTime() - PENDING_WORK_GRACE_MS))))
    .limit(500);
  for (const row of rows) await enqueue(APPLY_AUTH_CODE_JOB, { inboxEventId: row.id }, { singletonKey: `inbox:${row.id}` });
  return rows.length;
}
