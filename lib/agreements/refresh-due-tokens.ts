import { and, asc, eq, lt } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';

export const REFRESH_TOKEN_JOB = 'agreements-refresh-token';

/**
 * The refresher's sweep: every ACTIVE agreement whose access token expires within the margin gets one
 * refresh job (one waiting job per agreement: the queue's singleton key). Reads the partial index on
 * ACTIVE expiry; bounded per pass, earliest expiry first.
 */
export async function refreshDueTokens(db: Db, enqueue: Enqueue, now: Date, marginMs: number): Promise<number> {
  const due = await db
    .select({ id: agreements.id })
    .from(agreements)
    .where(and(eq(agreements.status, 'ACTIVE'), lt(agreements.accessTokenExpiresAt, new Date(now.getTime() + marginMs))))
    .orderBy(asc(agreements.accessTokenExpiresAt))
    .limit(500);
  for (const row of due) await enqueue(REFRESH_TOKEN_JOB, { agreementId: row.id }, { singletonKey: `agreement:${row.id}` });
  return due.length;
}
