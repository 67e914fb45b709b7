import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { staffSessions, staffUsers } from '@/lib/db/schema';
import { SESSION_IDLE_MS, SESSION_TOUCH_INTERVAL_MS } from './session-policy';

/**
 * Resolves a session id (from the signed next-auth cookie) to the acting staff member, or null when the
 * session is unknown, revoked, idle for 15 minutes, past its 12-hour lifetime, or its user is disabled.
 * The role comes from the database on every request, so a role change applies at once.
 */
export async function validateStaffSession(
  db: Db,
  sessionId: string,
  context: { ip: string | null; userAgent: string | null; now?: Date },
): Promise<Actor | null> {
  const now = context.now ?? new Date();
  const [row] = await db
    .select({ session: staffSessions, user: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)))
    .limit(1);
  if (!row) return null;
  const { session, user } = row;
  const idle = now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  const expired = now >= session.expiresAt;
  if (idle || expired || user.disabledAt !== null) {
    const reason = user.disabledAt !== null ? 'user_disabled' : expired ? 'absolute_timeout' : 'idle_timeout';
    await db
      .update(staffSessions)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)));
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > SESSION_TOUCH_INTERVAL_MS) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, sessionId));
  }
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionId,
    ip: context.ip,
    userAgent: context.userAgent,
  };
}
