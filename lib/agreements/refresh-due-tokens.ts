import { and, asc, eq, lt } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, agreementTokenHistory } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { getTokenRefreshHalt } from './token-refresh-halt';

export const REFRESH_TOKEN_JOB = 'agreements-refresh-token';
/** The sweep runs every minute; it queues every refresh falling due before the next run, each at its own time. */
export const REFRESH_SWEEP_HORIZON_MS = 60_000;
/** Superseded token indexes are kept this long past the token's own expiry (notifications arrive late). */
const HISTORY_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * The refresher's sweep: every ACTIVE agreement whose refresh falls due before the next sweep gets one job,
 * started at its due time (so a 2-minute token is renewed at 80 s, not at the next whole minute), one
 * waiting job per agreement (the queue's singleton key). Reads the partial index on the due time; bounded
 * per pass, earliest first. Nothing is queued while a configuration refusal has stopped refreshes.
 */
export async function refreshDueTokens(db: Db, enqueue: Enqueue, now: Date, horizonMs = REFRESH_SWEEP_HORIZON_MS): Promise<number> {
  await db.delete(agreementTokenHistory).where(lt(agreementTokenHistory.accessTokenExpiresAt, new Date(now.getTime() - HISTORY_GRACE_MS)));
  if (await getTokenRefreshHalt(db)) return 0;
  const due = await db
    .select({ id: agreements.id, dueAt: agreements.tokenRefreshDueAt })
    .from(agreements)
    .where(and(eq(agreements.status, 'ACTIVE'), lt(agreements.tokenRefreshDueAt, new Date(now.getTime() + horizonMs))))
    .orderBy(asc(agreements.tokenRefreshDueAt))
    .limit(500);
  for (const row of due) {
    const waitMs = Math.max(0, row.dueAt!.getTime() - now.getTime());
    await enqueue(REFRESH_TOKEN_JOB, { agreementId: row.id }, { singletonKey: `agreement:${row.id}`, ...(waitMs > 0 ? { startAfterSeconds: waitMs / 1000 } : {}) });
  }
  return due.length;
}
