import { randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { dummyPasswordHash, verifyPassword } from '@/lib/auth/password';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { auditLog, staffSessions, staffUsers } from '@/lib/db/schema';
import { normaliseEmail } from './public-staff-user';
import { IP_FAILURE_LIMIT, IP_FAILURE_WINDOW_MS, LOCK_AFTER_FAILED_ATTEMPTS, LOCK_DURATION_MS, SESSION_ABSOLUTE_MS } from './session-policy';

export interface AuthenticateInput {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  now?: Date;
}

export type AuthenticateResult = { ok: true; userId: string; sessionId: string } | { ok: false };

/**
 * Checks a staff sign-in and, on success, opens a new server-side session (a fresh id on every login).
 * Unknown user, wrong password, disabled and locked accounts all return the same `{ ok: false }` and take
 * about the same time. The 10th consecutive failure locks the account for 30 minutes; a locked account is
 * refused even with the right password. An IP address with 30 failures in 15 minutes (over any accounts)
 * is refused the same way until its failures age out. Every outcome is audited.
 */
export async function authenticateStaff(db: Db, input: AuthenticateInput): Promise<AuthenticateResult> {
  const now = input.now ?? new Date();
  const email = normaliseEmail(input.email);
  const origin = { ip: input.ip, userAgent: input.userAgent };
  if (input.ip && (await recentFailuresFromIp(db, input.ip, now)) >= IP_FAILURE_LIMIT) {
    await recordAudit(db, null, { action: 'auth.sign_in_failed', objectType: 'staff_user', after: { email, reason: 'ip_rate_limited' }, origin, at: now });
    return { ok: false };
  }
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.email, email)).limit(1);
  const who = { userId: user?.id ?? '', email, role: user?.role ?? 'viewer', ip: input.ip, userAgent: input.userAgent };

  if (!user) {
    await verifyPassword(await dummyPasswordHash(), input.password);
    await recordAudit(db, null, { action: 'auth.sign_in_failed', objectType: 'staff_user', after: { email, reason: 'unknown_user' }, origin, at: now });
    return { ok: false };
  }
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  const locked = user.lockedUntil !== null && user.lockedUntil > now;

  if (locked || user.disabledAt !== null || !passwordOk) {
    const reason = locked ? 'locked' : user.disabledAt !== null ? 'disabled' : 'wrong_password';
    await db.transaction(async (tx) => {
      if (reason === 'wrong_password') {
        // One guarded statement so concurrent failures cannot lose a count.
        const [after] = await tx
          .update(staffUsers)
          .set({
            failedAttempts: sql`case when ${staffUsers.failedAttempts} + 1 >= ${LOCK_AFTER_FAILED_ATTEMPTS} then 0 else ${staffUsers.failedAttempts} + 1 end`,
            lockedUntil: sql`case when ${staffUsers.failedAttempts} + 1 >= ${LOCK_AFTER_FAILED_ATTEMPTS} then ${new Date(now.getTime() + LOCK_DURATION_MS).toISOString()}::timestamptz else ${staffUsers.lockedUntil} end`,
          })
          .where(eq(staffUsers.id, user.id))
          .returning({ lockedUntil: staffUsers.lockedUntil });
        if (after?.lockedUntil && after.lockedUntil > now) {
          await recordAudit(tx, who, { action: 'auth.locked', objectType: 'staff_user', objectId: user.id, after: { lockedUntil: after.lockedUntil }, at: now });
        }
      }
      await recordAudit(tx, who, { action: 'auth.sign_in_failed', objectType: 'staff_user', objectId: user.id, after: { reason }, at: now });
    });
    return { ok: false };
  }

  const sessionId = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ failedAttempts: 0, lockedUntil: null }).where(eq(staffUsers.id, user.id));
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
