import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, can } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { staffRecoveryCodes, staffSessions, staffTotp, staffTotpUsedSteps, type StaffRole } from '@/lib/db/schema';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, totpSecretAad, totpUri } from './totp';

export interface TwoFactorDeps {
  db: Db;
  vault: TokenVault;
  now?: () => Date;
}

/** Wrong codes one session may enter (sign-in and step-up together) before it is ended. */
export const SECOND_FACTOR_MAX_FAILURES = 5;

/**
 * Who must pass a second factor (PCI DSS 4.0 8.4.2): admins and every role that can charge or refund; viewers
 * when the merchant setting says so; and anyone who has enrolled, whatever their role now.
 */
export function secondFactorRequired(role: StaffRole, options: { viewers: boolean; enrolled: boolean }): boolean {
  return role === 'admin' || can(role, 'payments.charge') || can(role, 'refunds.create') || options.viewers || options.enrolled;
}

export type SecondFactorCode = 'not_enrolled' | 'already_enrolled' | 'wrong_code' | 'code_used' | 'too_many_attempts';

const MESSAGES: Record<SecondFactorCode, string> = {
  not_enrolled: 'Set up your authenticator app first.',
  already_enrolled: 'Your authenticator app is already set up.',
  wrong_code: 'That code is not right. Check the time on your phone and try the current code.',
  code_used: 'That code has been used already. Wait for the next code from your app.',
  too_many_attempts: 'Too many wrong codes: you have been signed out. Sign in again.',
};

const clock = (deps: TwoFactorDeps) => (deps.now ?? (() => new Date()))();

async function readTotp(db: Db, userId: string) {
  const [row] = await db.select().from(staffTotp).where(eq(staffTotp.userId, userId)).limit(1);
  return row ?? null;
}

/**
 * Starts (or resumes) enrollment: a new secret sealed with the token vault, unconfirmed until a code from the
 * app is accepted. Reloading the page shows the same secret. The secret goes only to the signed-in user's page.
 */
export async function startEnrollment(deps: TwoFactorDeps, actor: Actor): Promise<ServiceResult<{ secret: string; uri: string }, 'already_enrolled'>> {
  const existing = await readTotp(deps.db, actor.userId);
  if (existing?.confirmedAt) return fail('already_enrolled', MESSAGES.already_enrolled);
  if (!existing) {
    const fresh = newTotpSecret();
    await deps.db
      .insert(staffTotp)
      .values({ userId: actor.userId, secretCiphertext: deps.vault.seal(fresh, totpSecretAad(actor.userId)), createdAt: clock(deps) })
      .onConflictDoNothing();
  }
  const row = (await readTotp(deps.db, actor.userId))!;
  if (row.confirmedAt) return fail('already_enrolled', MESSAGES.already_enrolled);
  const secret = deps.vault.open(row.secretCiphertext, totpSecretAad(actor.userId));
  return ok({ secret, uri: totpUri(secret, actor.email) });
}

/** Records a TOTP step as used; false when it was used before (a replay). Old steps are dropped. */
async function consumeStep(db: Db, userId: string, step: number, at: Date): Promise<boolean> {
  const inserted = await db.insert(staffTotpUsedSteps).values({ userId, timeStep: step, usedAt: at }).onConflictDoNothing().returning({ step: staffTotpUsedSteps.timeStep });
  await db.delete(staffTotpUsedSteps).where(and(eq(staffTotpUsedSteps.userId, userId), lt(staffTotpUsedSteps.timeStep, step - 10)));
  return inserted.length === 1;
}

/** A wrong code: counted on the session; the fifth ends it. */
async function countFailure(deps: TwoFactorDeps, actor: Actor, purpose: string, at: Date): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(staffSessions)
      .set({ secondFactorFailures: sql`${staffSessions.secondFactorFailures} + 1` })
      .where(eq(staffSessions.id, actor.sessionId))
      .returning({ failures: staffSessions.secondFactorFailures });
    const ended = (row?.failures ?? SECOND_FACTOR_MAX_FAILURES) >= SECOND_FACTOR_MAX_FAILURES;
    if (ended) {
      await tx.update(staffSessions).set({ revokedAt: at, revokedReason: 'second_factor_failures' }).where(and(eq(staffSessions.id, actor.sessionId), isNull(staffSessions.revokedAt)));
    }
    await recordAudit(tx, actor, { action: 'auth.second_factor_failed', objectType: 'staff_user', objectId: actor.userId, after: { purpose, sessionEnded: ended }, at });
    return ended;
  });
}

async function wrongCode(deps: TwoFactorDeps, actor: Actor, purpose: string, code: 'wrong_code' | 'code_used', at: Date) {
  const ended = await countFailure(deps, actor, purpose, at);
  return ended ? fail('too_many_attempts' as const, MESSAGES.too_many_attempts) : fail(code, MESSAGES[code]);
}

async function markSessionPassed(tx: Db, sessionId: string, at: Date) {
  await tx.update(staffSessions).set({ secondFactorAt: at, secondFactorFailures: 0 }).where(eq(staffSessions.id, sessionId));
}

/**
 * Confirms enrollment with the first code from the app: the factor becomes active, this session counts as
 * verified, and ten recovery codes are made (returned once; only their hashes are stored).
 */
export async function confirmEnrollment(
  deps: TwoFactorDeps,
  actor: Actor,
  input: { code: string },
): Promise<ServiceResult<{ recoveryCodes: string[] }, SecondFactorCode>> {
  const at = clock(deps);
  const row = await readTotp(deps.db, actor.userId);
  if (!row) return fail('not_enrolled', MESSAGES.not_enrolled);
  if (row.confirmedAt) return fail('already_enrolled', MESSAGES.already_enrolled);
  const step = matchTotp(deps.vault.open(row.secretCiphertext, totpSecretAad(actor.userId)), input.code.trim(), at);
  if (step === null) return wrongCode(deps, actor, 'enroll', 'wrong_code', at);
  if (!(await consumeStep(deps.db, actor.userId, step, at))) return wrongCode(deps, actor, 'enroll', 'code_used', at);
  const codes = newRecoveryCodes();
  const confirmed = await deps.db.transaction(async (tx) => {
    const [moved] = await tx
      .update(staffTotp)
      .set({ confirmedAt: at })
      .where(and(eq(staffTotp.userId, actor.userId), isNull(staffTotp.confirmedAt), eq(staffTotp.secretCiphertext, row.secretCiphertext)))
      .returning({ userId: staffTotp.userId });
    if (!moved) return false;
    await tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.userId, actor.userId));
    await tx.insert(staffRecoveryCodes).values(codes.map((code) => ({ userId: actor.userId, codeHash: hashRecoveryCode(code), createdAt: at })));
    await markSessionPassed(tx, actor.sessionId, at);
    await recordAudit(tx, actor, { action: 'auth.two_factor_enrolled', objectType: 'staff_user', objectId: actor.userId, after: { recoveryCodes: codes.length }, at });
    return true;
  });
  if (!confirmed) return fail('already_enrolled', MESSAGES.already_enrolled);
  return ok({ recoveryCodes: codes });
}

export const secondFactorInput = z.object({ code: z.string().trim().min(1, 'Enter the code.').max(64) });

/**
 * The sign-in's second step: a current TOTP code (each time step once) or one of the recovery codes (each
 * once). On success this session may act; five wrong codes end it.
 */
export async function verifySecondFactor(
  deps: TwoFactorDeps,
  actor: Actor,
  input: { code: string },
): Promise<ServiceResult<{ method: 'totp' | 'recovery'; recoveryCodesLeft: number | null }, SecondFactorCode>> {
  const at = clock(deps);
  const row = await readTotp(deps.db, actor.userId);
  if (!row?.confirmedAt) return fail('not_enrolled', MESSAGES.not_enrolled);
  const code = input.code.trim();
  if (/^\d{6}$/.test(code)) {
    const step = matchTotp(deps.vault.open(row.secretCiphertext, totpSecretAad(actor.userId)), code, at);
    if (step === null) return wrongCode(deps, actor, 'sign_in', 'wrong_code', at);
    if (!(await consumeStep(deps.db, actor.userId, step, at))) return wrongCode(deps, actor, 'sign_in', 'code_used', at);
    await deps.db.transaction(async (tx) => {
      await markSessionPassed(tx, actor.sessionId, at);
      await recordAudit(tx, actor, { action: 'auth.second_factor', objectType: 'staff_user', objectId: actor.userId, after: { method: 'totp' }, at });
    });
    return ok({ method: 'totp', recoveryCodesLeft: null });
  }
  const hash = hashRecoveryCode(code);
  const left = await deps.db.transaction(async (tx) => {
    const [used] = await tx
      .update(staffRecoveryCodes)
      .set({ usedAt: at })
      .where(and(eq(staffRecoveryCodes.userId, actor.userId), eq(staffRecoveryCodes.codeHash, hash), isNull(staffRecoveryCodes.usedAt)))
      .returning({ id: staffRecoveryCodes.id });
    if (!used) return null;
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(staffRecoveryCodes)
      .where(and(eq(staffRecoveryCodes.userId, actor.userId), isNull(staffRecoveryCodes.usedAt)));
    const n = Number(count?.n ?? 0);
    await markSessionPassed(tx, actor.sessionId, at);
    await recordAudit(tx, actor, { action: 'auth.second_factor', objectType: 'staff_user', objectId: actor.userId, after: { method: 'recovery_code', recoveryCodesLeft: n }, at });
    return n;
  });
  if (left === null) {
    const [spent] = await deps.db
      .select({ id: staffRecoveryCodes.id })
      .from(staffRecoveryCodes)
      .where(and(eq(staffRecoveryCodes.userId, actor.userId), eq(staffRecoveryCodes.codeHash, hash)))
      .limit(1);
    return wrongCode(deps, actor, 'sign_in', spent ? 'code_used' : 'wrong_code', at);
  }
  return ok({ method: 'recovery', recoveryCodesLeft: left });
}

export type StepUpCode = 'step_up_required' | 'step_up_wrong_code' | 'step_up_code_used' | 'too_many_attempts';

/** Does this amount need a fresh code? (Above the currency's configured threshold; none configured: no.) */
export function needsStepUp(thresholds: Readonly<Record<string, string>>, amountMinor: bigint, currency: string): boolean {
  const limit = thresholds[currency];
  if (limit === undefined || !/^\d+$/.test(limit)) return false;
  return amountMinor > BigInt(limit);
}

/**
 * Step-up before a staff refund or charge above the merchant's per-currency threshold: a fresh TOTP code
 * (not a recovery code), used once. Below the threshold, or with none configured, nothing is asked.
 */
export async function checkStepUp(
  deps: TwoFactorDeps,
  actor: Actor,
  input: { amountMinor: bigint; currency: string; code?: string | undefined; purpose: 'refund' | 'charge' },
): Promise<ServiceResult<{ steppedUp: boolean }, StepUpCode>> {
  const settings = await getMerchantSettings(deps.db);
  if (!needsStepUp(settings.stepUpThresholds, input.amountMinor, input.currency)) return ok({ steppedUp: false });
  const required = (): ServiceResult<never, StepUpCode> =>
    fail('step_up_required', 'This amount needs a fresh code from your authenticator app.', { stepUpCode: ['Enter the current code from your authenticator app.'] });
  const code = input.code?.trim() ?? '';
  if (code === '') return required();
  const row = await readTotp(deps.db, actor.userId);
  if (!row?.confirmedAt) return required();
  const at = clock(deps);
  const step = matchTotp(deps.vault.open(row.secretCiphertext, totpSecretAad(actor.userId)), code, at);
  const refuse = async (which: 'wrong_code' | 'code_used') => {
    const result = await wrongCode(deps, actor, `step_up_${input.purpose}`, which, at);
    if (result.code === 'too_many_attempts') return result;
    const stepCode = which === 'wrong_code' ? ('step_up_wrong_code' as const) : ('step_up_code_used' as const);
    return fail(stepCode, MESSAGES[which], { stepUpCode: [MESSAGES[which]] });
  };
  if (step === null) return refuse('wrong_code');
  if (!(await consumeStep(deps.db, actor.userId, step, at))) return refuse('code_used');
  await recordAudit(deps.db, actor, {
    action: 'auth.step_up',
    objectType: 'staff_user',
    objectId: actor.userId,
    after: { purpose: input.purpose, amountMinor: input.amountMinor.toString(), currency: input.currency },
    at,
  });
  return ok({ steppedUp: true });
}

export const resetSecondFactorInput = z.object({ userId: z.uuid() });

/**
 * An admin resets another staff member's second factor (lost phone): the secret, recovery codes and used steps
 * are deleted and their sessions end, so their next sign-in enrolls again. Never one's own (another admin must
 * do it), always audited. Nothing is emailed.
 */
export async function resetSecondFactor(
  db: Db,
  actor: Actor,
  input: z.infer<typeof resetSecondFactorInput>,
): Promise<ServiceResult<{ hadFactor: boolean; sessionsEnded: number }, 'cannot_reset_self'>> {
  assertCan(actor, 'users.manage');
  if (input.userId === actor.userId) return fail('cannot_reset_self', 'You cannot reset your own second factor. Ask another admin.');
  return db.transaction(async (tx) => {
    const removed = await tx.delete(staffTotp).where(eq(staffTotp.userId, input.userId)).returning({ confirmedAt: staffTotp.confirmedAt });
    await tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.userId, input.userId));
    await tx.delete(staffTotpUsedSteps).where(eq(staffTotpUsedSteps.userId, input.userId));
    const ended = await tx
      .update(staffSessions)
      .set({ revokedAt: new Date(), revokedReason: 'second_factor_reset' })
      .where(and(eq(staffSessions.userId, input.userId), isNull(staffSessions.revokedAt)))
      .returning({ id: staffSessions.id });
    const hadFactor = removed.some((r) => r.confirmedAt !== null);
    await recordAudit(tx, actor, { action: 'auth.two_factor_reset', objectType: 'staff_user', objectId: input.userId, after: { hadFactor, sessionsEnded: ended.length } });
    return ok({ hadFactor, sessionsEnded: ended.length });
  });
}

/** Which staff members have an active second factor (the Users page). */
export async function enrolledUserIds(db: Db): Promise<Set<string>> {
  const rows = await db.select({ userId: staffTotp.userId }).from(staffTotp).where(sql`${staffTotp.confirmedAt} is not null`);
  return new Set(rows.map((r) => r.userId));
}

/**
 * Scripts only (the e2e seed): gives a user a confirmed TOTP factor with a known secret, so a test can compute
 * its codes. Never reachable from a request.
 */
export async function enrollWithKnownSecret(db: Db, vault: TokenVault, userId: string, secret: string): Promise<void> {
  if (!/^[A-Z2-7]{16,}$/.test(secret)) throw new Error('the TOTP secret must be base32 (A–Z, 2–7), at least 16 characters');
  const sealed = vault.seal(secret, totpSecretAad(userId));
  const now = new Date();
  await db
    .insert(staffTotp)
    .values({ userId, secretCiphertext: sealed, confirmedAt: now, createdAt: now })
    .onConflictDoUpdate({ target: staffTotp.userId, set: { secretCiphertext: sealed, confirmedAt: now } });
}
