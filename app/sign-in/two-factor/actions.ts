'use server';

import { getStaffSession } from '@/lib/auth/current-actor';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import type { ServiceResult } from '@/lib/service-result';
import { confirmEnrollment, secondFactorInput, verifySecondFactor } from '@/lib/staff/two-factor/two-factor';

type Result<T> = ServiceResult<T>;

/** The code from the form (FormData from useActionState, or a plain object). */
function readCode(args: unknown[]): { code: string } | null {
  const raw = args.length >= 2 ? args[1] : args[0];
  const value = raw instanceof FormData ? raw.get('code') : typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).code : undefined;
  const parsed = secondFactorInput.safeParse({ code: typeof value === 'string' ? value : '' });
  return parsed.success ? parsed.data : null;
}

const ENDED = { ok: false as const, code: 'unauthenticated', error: 'Your session has ended. Sign in again.' };
const EMPTY = { ok: false as const, code: 'invalid_input', error: 'Enter the code.' };

/**
 * First code from the authenticator app during enrollment. Only for a live session that still has to enroll:
 * these two actions are the only ones a session owing its second factor can run (getCurrentActor refuses it).
 */
export async function confirmEnrollmentAction(...args: unknown[]): Promise<Result<{ recoveryCodes: string[] }>> {
  const session = await getStaffSession();
  if (!session || session.secondFactor !== 'enroll') return ENDED;
  const input = readCode(args);
  if (!input) return EMPTY;
  return confirmEnrollment({ db: await getDb(), vault: getTokenVault() }, session.actor, input);
}

/** The sign-in's second step: a TOTP code or a recovery code. */
export async function verifySecondFactorAction(...args: unknown[]): Promise<Result<{ method: 'totp' | 'recovery'; recoveryCodesLeft: number | null }>> {
  const session = await getStaffSession();
  if (!session || session.secondFactor !== 'verify') return ENDED;
  const input = readCode(args);
  if (!input) return EMPTY;
  return verifySecondFactor({ db: await getDb(), vault: getTokenVault() }, session.actor, input);
}
