import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { ForbiddenError } from '@/lib/auth/permissions';
import type { Database } from '@/lib/db/client';
import { auditLog, staffSessions, staffUsers } from '@/lib/db/schema';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { createStaffUser } from '@/lib/staff/create-staff-user';
import { endStaffSession } from '@/lib/staff/end-staff-session';
import { listStaffUsers } from '@/lib/staff/list-staff-users';
import { revokeStaffSessions } from '@/lib/staff/revoke-staff-sessions';
import { seedFirstAdmin } from '@/lib/staff/seed-first-admin';
import { updateStaffUser } from '@/lib/staff/update-staff-user';
import { validateStaffSession } from '@/lib/staff/validate-staff-session';
import { unlockStaffUser } from '@/lib/staff/unlock-staff-user';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/** Wraps a Db so every query builder and transaction it opens is logged by kind, in order. */
function countingDb(db: Database['db']): { db: Database['db']; log: string[] } {
  const log: string[] = [];
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'transaction') {
          return (fn: (tx: unknown) => unknown, ...rest: unknown[]) => {
            log.push('transaction');
            return (value as (...a: unknown[]) => unknown).call(t, (tx: object) => fn(wrap(tx)), ...rest);
          };
        }
        if (typeof prop === 'string' && ['select', 'insert', 'update', 'delete', 'execute'].includes(prop)) log.push(prop);
        return (value as (...a: unknown[]) => unknown).bind(t);
      },
    });
  return { db: wrap(db), log };
}

const ctx = { ip: '127.0.0.1', userAgent: 'vitest' };
let database: Database;
let admin: Actor;

async function signIn(email: string, password: string, now?: Date) {
  return authenticateStaff(database.db, { email, password, ...ctx, now });
}

async function actorFor(email: string, password: string): Promise<Actor> {
  const result = await signIn(email, password);
  if (!result.ok) throw new Error(`sign-in failed for ${email}`);
  const actor = await validateStaffSession(database.db, result.sessionId, ctx);
  if (!actor) throw new Error('session invalid');
  return actor;
}

describe(`staff accounts and sessions (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const seeded = await seedFirstAdmin(database.db, { email: 'Admin@Example.com' });
    expect(seeded).toMatchObject({ created: true, email: 'admin@example.com' });
    if (!seeded.created || !seeded.generatedPassword) throw new Error('expected a generated password');
    admin = await actorFor('admin@example.com', seeded.generatedPassword);
  });
  afterAll(async () => database?.close());

  it('seeds the first admin once only', async () => {
    expect(await seedFirstAdmin(database.db, { email: 'other@example.com', password: 'another-password-1' })).toEqual({ created: false });
  });

  it('gives an unknown user and a wrong password the same answer', async () => {
    await createStaffUser(database.db, admin, { email: 'op@example.com', name: 'Op', role: 'operator', password: 'operator-password-1' });
    expect(await signIn('nobody@example.com', 'whatever-password')).toEqual({ ok: false });
    expect(await signIn('op@example.com', 'wrong-password-xx')).toEqual({ ok: false });
    expect((await signIn('OP@example.com ', 'operator-password-1')).ok).toBe(true);
  });

  it('slows guessing progressively, locks after 10 counted failures, and an admin can unlock', async () => {
    await createStaffUser(database.db, admin, { email: 'lock@example.com', name: 'Lock', role: 'viewer', password: 'viewer-password-1' });
    // The owner signs in once from the office (ctx.ip): that address becomes known.
    expect((await signIn('lock@example.com', 'viewer-password-1')).ok).toBe(true);
    const stranger = (password: string, now: Date) => authenticateStaff(database.db, { email: 'lock@example.com', password, ip: '203.0.113.66', userAgent: 'bot', now });
    const row = async () => (await database.db.select().from(staffUsers).where(eq(staffUsers.email, 'lock@example.com')))[0]!;
    let t = new Date('2026-11-25T10:00:00Z');
    for (let i = 0; i < 3; i++) expect(await stranger('bad-password-xx', t)).toEqual({ ok: false });
    // Inside the delay: refused, uncounted, even with the right password.
    expect(await stranger('viewer-password-1', t)).toEqual({ ok: false });
    expect((await row()).failedAttempts).toBe(3);
    const delays: number[] = [];
    for (let i = 3; i < 10; i++) {
      const next = (await row()).nextAttemptAt!;
      delays.push(next.getTime() - t.getTime());
      t = new Date(next.getTime() + 1);
      expect(await stranger('bad-password-xx', t)).toEqual({ ok: false });
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
    const locked = await row();
    expect(locked.lockedUntil!.getTime()).toBe(t.getTime() + 30 * 60_000);
    expect(await stranger('viewer-password-1', new Date(t.getTime() + 29 * 60_000))).toEqual({ ok: false });
    // The owner's known address is not locked out by a stranger.
    expect((await signIn('lock@example.com', 'viewer-password-1', new Date(t.getTime() + 60_000))).ok).toBe(true);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'auth.locked'))).toHaveLength(1);

    // Locked again by the stranger; an admin unlocks; a viewer may not.
    for (let i = 0; i < 10; i++) {
      const next = (await row()).nextAttemptAt;
      t = new Date(Math.max(t.getTime(), next?.getTime() ?? 0) + 1);
      await stranger('bad-password-xx', t);
    }
    expect((await row()).lockedUntil!.getTime()).toBeGreaterThan(t.getTime());
    const viewer = await actorFor('lock@example.com', 'viewer-password-1');
    await expect(unlockStaffUser(database.db, viewer, { userId: locked.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await unlockStaffUser(database.db, admin, { userId: locked.id })).toEqual({ ok: true, data: { userId: locked.id } });
    expect((await stranger('viewer-password-1', new Date(t.getTime() + 1000))).ok).toBe(true);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'staff_user.unlock'))).toHaveLength(1);
  });

  it('does the same database work for an unknown email as for a wrong password, a lock or a throttle (no timing oracle)', async () => {
    const traces: Record<string, string[]> = {};
    for (const [name, email] of [['unknown', 'nobody-at-all@example.com'], ['wrong', 'op@example.com']] as const) {
      const { db, log } = countingDb(database.db);
      expect(await authenticateStaff(db, { email, password: 'not-the-password', ip: '198.51.100.200', userAgent: 'x' })).toEqual({ ok: false });
      traces[name] = log;
    }
    expect(traces.unknown).toEqual(traces.wrong);
    expect(traces.unknown).toContain('transaction');
  });

  it('refuses trivially weak staff passwords with a reason, in the service itself', async () => {
    for (const password of ['            ', 'aaaaaaaaaaaa', 'password1234']) {
      const result = await createStaffUser(database.db, admin, { email: 'weak@example.com', name: 'Weak', role: 'viewer', password });
      expect(result).toMatchObject({ ok: false, code: 'weak_password' });
    }
    expect(await database.db.select().from(staffUsers).where(eq(staffUsers.email, 'weak@example.com'))).toHaveLength(0);
  });

  it('ends sessions after 15 idle minutes and after 12 hours, and on sign-out', async () => {
    const t0 = new Date('2026-11-25T00:00:00Z');
    const result = await signIn('op@example.com', 'operator-password-1', t0);
    if (!result.ok) throw new Error('sign-in failed');
    let now = t0;
    // Active use every 10 minutes keeps it alive up to the absolute limit.
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      now = new Date(t0.getTime() + minutes * 60_000);
      expect(await validateStaffSession(database.db, result.sessionId, { ...ctx, now })).not.toBeNull();
    }
    expect(await validateStaffSession(database.db, result.sessionId, { ...ctx, now: new Date(t0.getTime() + 12 * 3600_000) })).toBeNull();

    const idle = await signIn('op@example.com', 'operator-password-1', t0);
    if (!idle.ok) throw new Error('sign-in failed');
    expect(await validateStaffSession(database.db, idle.sessionId, { ...ctx, now: new Date(t0.getTime() + 16 * 60_000) })).toBeNull();
    // Once ended it stays ended.
    expect(await validateStaffSession(database.db, idle.sessionId, { ...ctx, now: t0 })).toBeNull();

    const out = await signIn('op@example.com', 'operator-password-1');
    if (!out.ok) throw new Error('sign-in failed');
    await endStaffSession(database.db, out.sessionId);
    expect(await validateStaffSession(database.db, out.sessionId, ctx)).toBeNull();
  });

  it('lets an admin revoke all of a user’s sessions, and a role change revokes them too', async () => {
    const created = await createStaffUser(database.db, admin, { email: 'rev@example.com', name: 'Rev', role: 'viewer', password: 'viewer-password-2' });
    if (!created.ok) throw new Error(created.error);
    const a = await actorFor('rev@example.com', 'viewer-password-2');
    const revoked = await revokeStaffSessions(database.db, admin, { userId: created.data.id });
    expect(revoked).toEqual({ ok: true, data: { revoked: 1 } });
    expect(await validateStaffSession(database.db, a.sessionId, ctx)).toBeNull();

    const b = await actorFor('rev@example.com', 'viewer-password-2');
    expect(b.role).toBe('viewer');
    expect((await updateStaffUser(database.db, admin, { userId: created.data.id, role: 'operator' })).ok).toBe(true);
    expect(await validateStaffSession(database.db, b.sessionId, ctx)).toBeNull();
    expect((await actorFor('rev@example.com', 'viewer-password-2')).role).toBe('operator');
  });

  it('refuses disabled users and keeps the last admin', async () => {
    const created = await createStaffUser(database.db, admin, { email: 'dis@example.com', name: 'Dis', role: 'viewer', password: 'viewer-password-3' });
    if (!created.ok) throw new Error(created.error);
    expect((await updateStaffUser(database.db, admin, { userId: created.data.id, disabled: true })).ok).toBe(true);
    expect(await signIn('dis@example.com', 'viewer-password-3')).toEqual({ ok: false });
    expect(await updateStaffUser(database.db, admin, { userId: admin.userId, role: 'viewer' })).toMatchObject({ ok: false, code: 'last_admin' });
    expect(await updateStaffUser(database.db, admin, { userId: admin.userId, disabled: true })).toMatchObject({ ok: false, code: 'self_disable' });
    expect(await createStaffUser(database.db, admin, { email: 'dis@example.com', name: 'Again', role: 'viewer', password: 'viewer-password-3' })).toMatchObject({ ok: false, code: 'email_taken' });
  });

  it('refuses user management to viewers and operators inside the service itself', async () => {
    const viewer = await actorFor('lock@example.com', 'viewer-password-1');
    await expect(listStaffUsers(database.db, viewer)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createStaffUser(database.db, viewer, { email: 'x@example.com', name: 'X', role: 'admin', password: 'some-password-123' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const operator = await actorFor('op@example.com', 'operator-password-1');
    await expect(updateStaffUser(database.db, operator, { userId: operator.userId, role: 'admin' })).rejects.toBeInstanceOf(ForbiddenError);
    const [row] = await database.db.select().from(staffUsers).where(eq(staffUsers.id, operator.userId));
    expect(row?.role).toBe('operator');
  });

  it('writes audit rows with actor, object, before/after, IP and user agent, and never lets them change', async () => {
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.action, 'staff_user.update'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ actorEmail: 'admin@example.com', actorRole: 'admin', objectType: 'staff_user', ip: '127.0.0.1', userAgent: 'vitest' });
    expect(rows[0]?.before).toBeTruthy();
    expect(rows[0]?.after).toBeTruthy();
    for (const statement of [sql`update audit_log set action = 'x'`, sql`delete from audit_log`, sql`truncate audit_log`]) {
      const error = await database.db.execute(statement).then(() => null, (e: unknown) => e as Error & { cause?: Error });
      expect(String(error?.cause?.message ?? error?.message)).toMatch(/append-only/);
    }
    const sessions = await database.db.select().from(staffSessions);
    expect(sessions.every((s) => s.id.length >= 43)).toBe(true);
  });
});

describe(`sign-in rate limit per IP address (${testDatabaseKind()})`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedFirstAdmin(db.db, { email: 'owner@example.com', password: 'owner-password-123' });
  });
  afterAll(async () => db?.close());

  it('pauses sign-in from an IP after 30 failures over any accounts, then lets it in again after 15 minutes', async () => {
    const t0 = new Date('2026-11-25T12:00:00Z');
    const attempt = (email: string, password: string, ip: string, minutes = 0) =>
      authenticateStaff(db.db, { email, password, ip, userAgent: 'stuffing-bot', now: new Date(t0.getTime() + minutes * 60_000) });
    // Spread over many (mostly unknown) accounts, so no single account lockout triggers.
    for (let i = 0; i < 30; i++) expect((await attempt(`user${i}@example.com`, 'guess-password', '203.0.113.9')).ok).toBe(false);
    expect(await attempt('owner@example.com', 'owner-password-123', '203.0.113.9', 1)).toEqual({ ok: false });
    // Other addresses are unaffected, and the pause ends when the failures age out of the window.
    expect((await attempt('owner@example.com', 'owner-password-123', '198.51.100.7', 1)).ok).toBe(true);
    expect((await attempt('owner@example.com', 'owner-password-123', '203.0.113.9', 16)).ok).toBe(true);
    const limited = await db.db.select().from(auditLog).where(sql`${auditLog.after}->>'reason' = 'ip_rate_limited'`);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.ip).toBe('203.0.113.9');
  });
});
