import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { merchantSettings, staffSessions, staffTotp, staffUsers } from '@/lib/db/schema';
import { zoneSettingsFrom, type ZoneSettings } from '@/lib/time/get-zone-settings';
import { secondFactorRequired } from './two-factor/two-factor';
import { SESSION_IDLE_MS, SESSION_TOUCH_INTERVAL_MS } from './session-policy';

/** Where a live session stands on the second factor: passed (or not required), to verify, or to enroll. */
export type SecondFactorState = 'ok' | 'verify' | 'enroll';

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
  return (await resolveStaffSession(db, sessionId, context))?.actor ?? null;
}

/**
 * validateStaffSession plus the second factor (and the viewer's time zone settings): a session of someone who must pass one (admins, every role that
 * can charge or refund, viewers when the merchant says so, anyone enrolled) is `verify` or `enroll` until it
 * has. getCurrentActor gives an actor only for `ok`, so such a session can do nothing else.
 */
export async function resolveStaffSession(
  db: Db,
  sessionId: string,
  context: { ip: string | null; userAgent: string | null; now?: Date },
): Promise<{ actor: Actor; secondFactor: SecondFactorState; zone: ZoneSettings } | null> {
  const now = context.now ?? new Date();
  const [row] = await db
    .select({ session: staffSessions, user: staffUsers, totpConfirmedAt: staffTotp.confirmedAt, viewers: merchantSettings.twoFactorForViewers, merchantZone: merchantSettings.timeZone })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .leftJoin(staffTotp, eq(staffTotp.userId, staffSessions.userId))
    .leftJoin(merchantSettings, eq(merchantSettings.id, 1))
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
  const actor: Actor = {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionId,
    ip: context.ip,
    userAgent: context.userAgent,
  };
  const enrolled = row.totpConfirmedAt !== null;
  const secondFactor: SecondFactorState =
    session.secondFactorAt !== null || !secondFactorRequired(user.role, { viewers: row.viewers ?? false, enrolled }) ? 'ok' : enrolled ? 'verify' : 'enroll';
  // The dashboard's time zone rides on the same row: no query of its own on every page.
  return { actor, secondFactor, zone: zoneSettingsFrom(user.timeZone, row.merchantZone) };
}
