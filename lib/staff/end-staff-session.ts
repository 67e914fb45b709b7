import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { staffSessions } from '@/lib/db/schema';

/** Sign-out: marks the session revoked. Idempotent; an unknown id is a no-op. */
export async function endStaffSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: now, revokedReason: 'signed_out' })
    .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)));
}
