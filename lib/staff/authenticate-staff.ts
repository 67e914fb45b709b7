import { randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { dummyPasswordHash, verifyPassword } from '@/lib/auth/password';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { auditLog, staffSessions, staffUsers } from '@/lib/db/schema';
import { normaliseEmail } from './public-staff-user';
import {
  IP_FAILURE_LIMIT,
  IP_FAILURE_WINDOW_MS,
  KNOWN_IP_WINDOW_MS,
  LOCK_AFTER_FAILED_ATTEMPTS,
  LOCK_DURATION_MS,
  SESSION_ABSOLUTE_MS,
  THROTTLE_AFTER_FAILED_ATTEMPTS,
  THROTTLE_MAX_DELAY_MS,
} from './session-policy';

export interface AuthenticateInput {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  now?: Date;
}

export type AuthenticateResult = { ok: true; userId: string; sessionId: string } | { ok: false };

/** No user has this id: the unknown-user path runs the same UPDATE as a wrong password, matching nothing. */
const NO_USER_ID = '00000000-0000-0000-0000-000000000000';

// Hash the dummy password now, so the first unknown email is not slower than the rest.
void dummyPasswordHash();

/**
 * Checks a staff sign-in and, on success, opens a new server-side session (a fresh id on every login).
 * Unknown user, wrong password, throttled, disabled and locked accounts all return the same `{ ok: false }`
 * after the same work (one argon2 verify, one transaction with an UPDATE and an audit row), so neither the
 * answer nor its timing tells staff emails from unknown ones.
 *
 * Guessing is slowed, then stopped: after 3 consecutive failures each attempt must wait (1 s, 2 s, 4 s …
 * up to 60 s; earlier attempts are refused uncounted), and the 10th counted failure locks the account for
 * 30 minutes (an admin can unlock it). The lock and throttle do not apply from an address the account
 * signed in from successfully in the last 30 days, so a stranger cannot lock the owner out of their usual
 * network; what stops strangers instead is the per-IP limit (30 failures in 15 minutes across accounts),
 * which cannot be dodged by rotating X-Forwarded-For (lib/auth/client-ip.ts). Every outcome is audited.
 */
export async function authenticateStaff(db: Db, input: AuthenticateInput): Promise<AuthenticateResult> {
  const now = input.now ?? new Date();
  const email = normaliseEmail(input.email);
  const origin = { ip: input.ip, userAgent: input.userAgent };
  if (input.ip && (await recentFailuresFromIp(db, input.ip, now)) >= IP_FAILURE_LIMIT) {
    await verifyPassword(await dummyPasswordHash(), input.password);
    await recordAudit(db, null, { action: 'auth.sign_in_failed', objectType: 'staff_user', after: { email, reason: 'ip_rate_limited' }, origin, at: now });
    return { ok: false };
  }
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.email, email)).limit(1);
  const who = { userId: user?.id ?? '', email, role: user?.role ?? 'viewer', ip: input.ip, userAgent: input.userAgent };
  const known = await isKnownAddress(db, user?.id ?? NO_USER_ID, input.ip, now);
  const locked = !known && user?.lockedUntil != null && user.lockedUntil > now;
  const throttled = !known && !locked && user?.nextAttemptAt != null && user.nextAttemptAt > now;
  // Always one verify: against the real hash when it may count, else against the dummy.
  const passwordOk = await verifyPassword(user && !locked && !throttled ? user.passwordHash : await dummyPasswordHash(), input.password);

  if (!user || locked || throttled || user.disabledAt !== null || !passwordOk) {
    const reason = !user ? 'unknown_user' : locked ? 'locked' : throttled ? 'throttled' : user.disabledAt !== null ? 'disabled' : 'wrong_password';
    const counts = reason === 'wrong_password' && !known;
    await db.transaction(async (tx) => {
      // One guarded statement so concurrent failures cannot lose a count. Runs (matching no row) for every
      // refusal so each path costs the same.
      const n = sql`${staffUsers.failedAttempts} + 1`;
      const delayMs = sql`least(${THROTTLE_MAX_DELAY_MS}, 1000 * power(2, greatest(0, ${n} - ${THROTTLE_AFTER_FAILED_ATTEMPTS})))`;
      const [after] = await tx
        .update(staffUsers)
        .set({
          failedAttempts: sql`case when ${n} >= ${LOCK_AFTER_FAILED_ATTEMPTS} then 0 else ${n} end`,
          lockedUntil: sql`case when ${n} >= ${LOCK_AFTER_FAILED_ATTEMPTS} then ${new Date(now.getTime() + LOCK_DURATION_MS).toISOString()}::timestamptz else ${staffUsers.lockedUntil} end`,
          nextAttemptAt: sql`case when ${n} >= ${LOCK_AFTER_FAILED_ATTEMPTS} then null when ${n} >= ${THROTTLE_AFTER_FAILED_ATTEMPTS} then ${now.toISOString()}::timestamptz + (${delayMs} * interval '1 millisecond') else null end`,
        })
        .where(eq(staffUsers.id, counts ? user!.id : NO_USER_ID))
        .returning({ lockedUntil: staffUsers.lockedUntil });
      if (after?.lockedUntil && after.lockedUntil > now) {
        await recordAudit(tx, who, { action: 'auth.locked', objectType: 'staff_user', objectId: user!.id, after: { lockedUntil: after.lockedUntil }, at: now });
      }
      await recordAudit(tx, user ? who : null, { action: 'auth.sign_in_failed', objectType: 'staff_user', ...(user ? { objectId: user.id } : {}), after: user ? { reason } : { email, reason }, ...(user ? {} : { origin }), at: now });
    });
    return { ok: false };
  }

  const sessionId = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ failedAttempts: 0, lockedUntil: null, nextAttemptAt: null }).where(eq(staffUsers.id, user.id));
    await tx.insert(staffSessions).values({
      id: sessionId,
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      ip: input.ip,
      userAgent: input.userAgent,
    });
    await recordAudit(tx, who, { action: 'auth.sign_in', objectType: 'staff_session', objectId: user.id, at: now });
  });
  return { ok: true, userId: user.id, sessionId };
}

/** Failed sign-ins recorded from this IP within the window (the audit log is the counter). */
async function recentFailuresFromIp(db: Db, ip: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'auth.sign_in_failed'), eq(auditLog.ip, ip), gt(auditLog.createdAt, new Date(now.getTime() - IP_FAILURE_WINDOW_MS))));
  return row?.n ?? 0;
}

/** Did this account sign in successfully from this address recently? (audit_log, indexed by action and ip) */
async function isKnownAddress(db: Db, userId: string, ip: string | null, now: Date): Promise<boolean> {
  if (!ip) return false;
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'auth.sign_in'), eq(auditLog.ip, ip), eq(auditLog.objectId, userId), gt(auditLog.createdAt, new Date(now.getTime() - KNOWN_IP_WINDOW_MS))))
    .limit(1);
  return row !== undefined;
}
