import { and, inArray, lt } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreementEvents, agreements } from '@/lib/db/schema';

/**
 * How long after its authState expired a PENDING attempt may still be completed by a late
 * AUTHCODE_CREATED notification (the authCode itself lives minutes; Antom resends for a day, so an
 * hour covers every realistic delay while keeping the table clean).
 */
export const PENDING_GRACE_MS = 60 * 60 * 1000;

/**
 * Ends abandoned authorization attempts: PENDING rows whose authState expired more than PENDING_GRACE_MS
 * ago become EXPIRED, each with a timeline entry, in one statement set. Idempotent (the guard is the
 * status), safe with two workers (a row moves once), bounded per run.
 */
export async function expireStalePendingAgreements(db: Db, now: Date, limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const stale = tx
      .select({ id: agreements.id })
      .from(agreements)
      .where(and(inArray(agreements.status, ['PENDING']), lt(agreements.authStateExpiresAt, new Date(now.getTime() - PENDING_GRACE_MS))))
      .limit(limit)
      .for('update', { skipLocked: true });
    const expired = await tx
      .update(agreements)
      .set({ status: 'EXPIRED', failureCode: 'AUTH_STATE_EXPIRED', failureMessage: 'The buyer did not finish at the wallet in time.', updatedAt: now })
      .where(and(inArray(agreements.id, stale), inArray(agreements.status, ['PENDING'])))
      .returning({ id: agreements.id });
    if (expired.length > 0) {
      await tx.insert(agreementEvents).values(expired.map((row) => ({ agreementId: row.id, type: 'expired', detail: { cause: 'job', reason: 'AUTH_STATE_EXPIRED' } })));
    }
    return expired.length;
  });
}
