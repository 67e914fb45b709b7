import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { countSealedByVersion, resealSecrets } from '@/lib/crypto/sealed-secrets';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { auditLog, staffRecoveryCodes, staffSessions, staffTotp } from '@/lib/db/schema';
import { updateTwoFactorSettings, updateTwoFactorSettingsInput } from '@/lib/settings/update-two-factor-settings';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { createStaffUser } from '@/lib/staff/create-staff-user';
import { seedFirstAdmin } from '@/lib/staff/seed-first-admin';
import { totpCodeAt, totpSecretAad } from '@/lib/staff/two-factor/totp';
import {
  checkStepUp,
  confirmEnrollment,
  resetSecondFactor,
  startEnrollment,
  verifySecondFactor,
  type TwoFactorDeps,
} from '@/lib/staff/two-factor/two-factor';
import { resolveStaffSession } from '@/lib/staff/validate-staff-session';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const ctx = { ip: '127.0.0.1', userAgent: 'vitest' };
const key = () => randomBytes(32).toString('base64');
const indexKey = key();
const key1 = key();
const vault = TokenVault.fromBase64(key1, indexKey, 1);
let database: Database;
let deps: TwoFactorDeps;
// One clock for the whole file, moved by hand: codes are generated for it, so the test never races a 30 s step.
let clock = new Date('2026-12-05T06:00:10Z');
const at = (ms: number) => new Date(clock.getTime() + ms);

async function session(email: string, password: string) {
  const signed = await authenticateStaff(database.db, { email, password, ...ctx, now: clock });
  if (!signed.ok) throw new Error(`sign-in failed for ${email}`);
  const resolved = await resolveStaffSession(database.db, signed.sessionId, { ...ctx, now: clock });
  if (!resolved) throw new Error('no session');
  return resolved;
}

const stateOf = async (actor: Actor) => (await resolveStaffSession(database.db, actor.sessionId, { ...ctx, now: clock }))?.secondFactor ?? 'ended';

/** Enrolls `actor` (a session that must enroll) and returns its secret and recovery codes. */
async function enroll(actor: Actor) {
  const started = await startEnrollment(deps, actor);
  if (!started.ok) throw new Error(started.error);
  const confirmed = await confirmEnrollment(deps, actor, { code: totpCodeAt(started.data.secret, clock) });
  if (!confirmed.ok) throw new Error(confirmed.error);
  return { secret: started.data.secret, recoveryCodes: confirmed.data.recoveryCodes };
}

describe(`staff second factor (${testDatabaseKind()})`, () => {
  let admin: Actor;
  let adminSecret: string;
  let adminPassword: string;
  let adminRecovery: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    deps = { db: database.db, vault, now: () => clock };
    const seeded = await seedFirstAdmin(database.db, { email: 'admin@example.com' });
    if (!seeded.created || !seeded.generatedPassword) throw new Error('expected a generated password');
    adminPassword = seeded.generatedPassword;
  });
  afterAll(async () => database?.close());

  it('an admin must enroll before anything: QR secret sealed at rest, first code confirms, ten recovery codes', async () => {
    const first = await session('admin@example.com', adminPassword);
    expect(first.secondFactor).toBe('enroll');
    admin = first.actor;
    const started = await startEnrollment(deps, admin);
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.data.uri).toMatch(/^otpauth:\/\/totp\/Daikou:admin%40example\.com\?secret=[A-Z2-7]+/);
    // Reloading the page shows the same secret; the database holds only the sealed form.
    const again = await startEnrollment(deps, admin);
    expect(again.ok && again.data.secret).toBe(started.data.secret);
    const [row] = await database.db.select().from(staffTotp).where(eq(staffTotp.userId, admin.userId));
    expect(row!.secretCiphertext).toMatch(/^v1\./);
    expect(row!.secretCiphertext).not.toContain(started.data.secret);
    expect(vault.open(row!.secretCiphertext, totpSecretAad(admin.userId))).toBe(started.data.secret);
    expect(row!.confirmedAt).toBeNull();

    // A wrong code is refused and changes nothing.
    const wrong = await confirmEnrollment(deps, admin, { code: totpCodeAt(started.data.secret, at(10 * 60_000)) });
    expect(wrong).toMatchObject({ ok: false, code: 'wrong_code' });
    expect(await stateOf(admin)).toBe('enroll');

    const confirmed = await confirmEnrollment(deps, admin, { code: totpCodeAt(started.data.secret, clock) });
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    expect(confirmed.data.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.data.recoveryCodes).size).toBe(10);
    const stored = await database.db.select().from(staffRecoveryCodes).where(eq(staffRecoveryCodes.userId, admin.userId));
    expect(stored).toHaveLength(10);
    // Only hashes are stored.
    for (const code of confirmed.data.recoveryCodes) expect(stored.some((r) => r.codeHash.includes(code.replace(/-/g, '')))).toBe(false);
    expect(await stateOf(admin)).toBe('ok');
    expect(await startEnrollment(deps, admin)).toMatchObject({ ok: false, code: 'already_enrolled' });
    adminSecret = started.data.secret;
    adminRecovery = confirmed.data.recoveryCodes;
    // The next session must verify; the first stays verified.
    clock = at(60_000);
    expect((await session('admin@example.com', adminPassword)).secondFactor).toBe('verify');
  });

  it('a wrong code is refused; a code is good once within its window (a replay is refused)', async () => {
    clock = at(60_000);
    const s = await session('admin@example.com', adminPassword);
    expect(s.secondFactor).toBe('verify');
    const wrongCode = totpCodeAt(adminSecret, at(5 * 60_000));
    expect(await verifySecondFactor(deps, s.actor, { code: wrongCode })).toMatchObject({ ok: false, code: 'wrong_code' });
    expect(await stateOf(s.actor)).toBe('verify');
    const code = totpCodeAt(adminSecret, clock);
    expect(await verifySecondFactor(deps, s.actor, { code })).toMatchObject({ ok: true, data: { method: 'totp' } });
    expect(await stateOf(s.actor)).toBe('ok');

    // The same code in another session, 10 s later (still inside its window): refused as used.
    clock = at(10_000);
    const other = await session('admin@example.com', adminPassword);
    expect(await verifySecondFactor(deps, other.actor, { code })).toMatchObject({ ok: false, code: 'code_used' });
    expect(await stateOf(other.actor)).toBe('verify');
    // The neighbouring step's code (the app's next one, accepted for clock drift) works once.
    const next = totpCodeAt(adminSecret, at(30_000));
    expect(await verifySecondFactor(deps, other.actor, { code: next })).toMatchObject({ ok: true });
  });

  it('five wrong codes end the session', async () => {
    clock = at(120_000);
    const s = await session('admin@example.com', adminPassword);
    for (let i = 1; i <= 4; i++) expect(await verifySecondFactor(deps, s.actor, { code: '00000' + String(i) })).toMatchObject({ code: 'wrong_code' });
    expect(await verifySecondFactor(deps, s.actor, { code: 'not-a-recovery-code' })).toMatchObject({ ok: false, code: 'too_many_attempts' });
    expect(await stateOf(s.actor)).toBe('ended');
  });

  it('a recovery code works once; its second use is refused', async () => {
    clock = at(120_000);
    const operator = await createOperator('rescue@example.com');
    const { recoveryCodes } = await enroll(operator.actor);
    clock = at(60_000);
    const s1 = await session('rescue@example.com', OPERATOR_PASSWORD);
    expect(s1.secondFactor).toBe('verify');
    // Typed in capitals with spaces: still the code.
    const typed = recoveryCodes[3]!.toUpperCase().replace(/-/g, ' ');
    expect(await verifySecondFactor(deps, s1.actor, { code: typed })).toMatchObject({ ok: true, data: { method: 'recovery', recoveryCodesLeft: 9 } });
    expect(await stateOf(s1.actor)).toBe('ok');
    const s2 = await session('rescue@example.com', OPERATOR_PASSWORD);
    expect(await verifySecondFactor(deps, s2.actor, { code: recoveryCodes[3]! })).toMatchObject({ ok: false, code: 'code_used' });
    expect(await stateOf(s2.actor)).toBe('verify');
    expect(await verifySecondFactor(deps, s2.actor, { code: recoveryCodes[4]! })).toMatchObject({ ok: true, data: { recoveryCodesLeft: 8 } });
    const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.second_factor'), eq(auditLog.actorId, operator.actor.userId)));
    expect(audits.map((a) => (a.after as { method: string }).method)).toEqual(['recovery_code', 'recovery_code']);
  });

  it('viewers need no second factor unless the merchant setting says so; operators always do', async () => {
    clock = at(60_000);
    const adminSession = await verifiedAdmin();
    await createStaffUser(database.db, adminSession, { email: 'viewer@example.com', name: 'Vera Viewer', role: 'viewer', password: 'correct horse battery staple 9' });
    expect((await session('viewer@example.com', 'correct horse battery staple 9')).secondFactor).toBe('ok');
    expect((await createOperator('op2@example.com')).secondFactor).toBe('enroll');
    const on = updateTwoFactorSettingsInput.parse({ twoFactorForViewers: 'true', stepUpThresholds: '' });
    expect((await updateTwoFactorSettings(database.db, adminSession, on)).ok).toBe(true);
    const viewer = await session('viewer@example.com', 'correct horse battery staple 9');
    expect(viewer.secondFactor).toBe('enroll');
    await updateTwoFactorSettings(database.db, adminSession, updateTwoFactorSettingsInput.parse({ stepUpThresholds: '' }));
    expect(await stateOf(viewer.actor)).toBe('ok');
  });

  it('asks for a fresh TOTP code above the per-currency step-up threshold (recovery codes and replays refused)', async () => {
    clock = at(60_000);
    const adminSession = await verifiedAdmin();
    const input = updateTwoFactorSettingsInput.parse({ stepUpThresholds: 'PHP=500000\nkrw = 1000000' });
    expect(input.stepUpThresholds).toEqual({ PHP: '500000', KRW: '1000000' });
    expect((await updateTwoFactorSettings(database.db, adminSession, input)).ok).toBe(true);
    expect(updateTwoFactorSettingsInput.safeParse({ stepUpThresholds: 'PHP=12.50' }).success).toBe(false);

    const refund = (amountMinor: bigint, currency: string, code?: string) => checkStepUp(deps, adminSession, { amountMinor, currency, code, purpose: 'refund' });
    // At or below the threshold, or a currency without one: nothing asked.
    expect(await refund(500000n, 'PHP')).toEqual({ ok: true, data: { steppedUp: false } });
    expect(await refund(10n ** 12n, 'USD')).toEqual({ ok: true, data: { steppedUp: false } });
    // Above it: a code is required, a wrong one refused, the right one accepted once.
    expect(await refund(500001n, 'PHP')).toMatchObject({ ok: false, code: 'step_up_required' });
    expect(await refund(500001n, 'PHP', totpCodeAt(adminSecret, at(-5 * 60_000)))).toMatchObject({ ok: false, code: 'step_up_wrong_code' });
    // A recovery code is for a lost phone at sign-in, not for a step-up.
    expect(await refund(500001n, 'PHP', adminRecovery[9]!)).toMatchObject({ ok: false, code: 'step_up_wrong_code' });
    clock = at(90_000);
    const code = totpCodeAt(adminSecret, clock);
    expect(await refund(500001n, 'PHP', code)).toEqual({ ok: true, data: { steppedUp: true } });
    expect(await refund(2_000_000n, 'KRW', code)).toMatchObject({ ok: false, code: 'step_up_code_used' });
    const charge = await checkStepUp(deps, adminSession, { amountMinor: 2_000_000n, currency: 'KRW', code: totpCodeAt(adminSecret, at(30_000)), purpose: 'charge' });
    expect(charge).toEqual({ ok: true, data: { steppedUp: true } });
    const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.step_up'), eq(auditLog.actorId, adminSession.userId)));
    expect(audits.map((a) => a.after)).toEqual([
      { purpose: 'refund', amountMinor: '500001', currency: 'PHP' },
      { purpose: 'charge', amountMinor: '2000000', currency: 'KRW' },
    ]);
  });

  it('only another admin resets a second factor, audited; the user then enrolls again', async () => {
    clock = at(60_000);
    const adminSession = await verifiedAdmin();
    expect(await resetSecondFactor(database.db, adminSession, { userId: adminSession.userId })).toMatchObject({ ok: false, code: 'cannot_reset_self' });
    expect(await stateOf(adminSession)).toBe('ok');

    // A second admin resets the first admin's factor: sessions end, secret and codes are gone, audited.
    await createStaffUser(database.db, adminSession, { email: 'admin2@example.com', name: 'Second Admin', role: 'admin', password: 'another long admin password 7' });
    const second = await session('admin2@example.com', 'another long admin password 7');
    await enroll(second.actor);
    const reset = await resetSecondFactor(database.db, second.actor, { userId: adminSession.userId });
    expect(reset).toMatchObject({ ok: true, data: { hadFactor: true } });
    expect(reset.ok && reset.data.sessionsEnded).toBeGreaterThan(0);
    expect(await stateOf(adminSession)).toBe('ended');
    expect(await database.db.select().from(staffTotp).where(eq(staffTotp.userId, adminSession.userId))).toEqual([]);
    expect(await database.db.select().from(staffRecoveryCodes).where(eq(staffRecoveryCodes.userId, adminSession.userId))).toEqual([]);
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'auth.two_factor_reset'));
    expect(audit).toMatchObject({ actorId: second.actor.userId, objectId: adminSession.userId, after: { hadFactor: true } });
    const revoked = await database.db.select().from(staffSessions).where(and(eq(staffSessions.userId, adminSession.userId), eq(staffSessions.revokedReason, 'second_factor_reset')));
    expect(revoked.length).toBeGreaterThan(0);
    // An operator may not reset anyone.
    const op = await session('rescue@example.com', OPERATOR_PASSWORD);
    await expect(resetSecondFactor(database.db, op.actor, { userId: second.actor.userId })).rejects.toMatchObject({ permission: 'users.manage' });
    // The first admin signs in with the password and must enroll again.
    expect((await session('admin@example.com', adminPassword)).secondFactor).toBe('enroll');
  });

  it('TOTP secrets move to a new key with the re-seal', async () => {
    const newer = TokenVault.fromKeyring(`2:${key()},1:${key1}`, indexKey);
    expect((await countSealedByVersion(database.db)).totpSecrets.get(1)).toBeGreaterThan(0);
    await resealSecrets(database.db, newer);
    const counts = await countSealedByVersion(database.db);
    expect(counts.totpSecrets.get(1) ?? 0).toBe(0);
    const rows = await database.db.select().from(staffTotp);
    for (const row of rows) expect(() => newer.open(row.secretCiphertext, totpSecretAad(row.userId))).not.toThrow();
  });

  const OPERATOR_PASSWORD = 'operator long password 42';
  async function createOperator(email: string) {
    const adminSession = await verifiedAdmin();
    const created = await createStaffUser(database.db, adminSession, { email, name: 'Opal Operator', role: 'operator', password: OPERATOR_PASSWORD });
    if (!created.ok) throw new Error(created.error);
    return session(email, OPERATOR_PASSWORD);
  }

  /** A fresh admin session that has passed the second factor (a code of a step not used yet). */
  async function verifiedAdmin(): Promise<Actor> {
    const s = await session('admin@example.com', adminPassword);
    if (s.secondFactor === 'ok') return s.actor;
    for (const offset of [0, 30_000, -30_000]) {
      const result = await verifySecondFactor(deps, s.actor, { code: totpCodeAt(adminSecret, at(offset)) });
      if (result.ok) return s.actor;
    }
    clock = at(30_000);
    return verifiedAdmin();
  }
});
