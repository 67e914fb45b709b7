import { and, eq, ne, or } from 'drizzle-orm';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { agreements, authorizationLinks, type Agreement } from '@/lib/db/schema';
import { isUniqueViolation } from '@/lib/db/is-unique-violation';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { exchangeAuthCode } from './exchange-auth-code';

export type ReturnProblem = 'missing_state' | 'unknown_state' | 'foreign_browser' | 'expired_state' | 'reused_state' | 'code_mismatch' | 'link_used' | 'link_revoked';

export type ReturnOutcome =
  | { ok: true; status: 'active' | 'declined' | 'failed' | 'in_progress'; agreement: Agreement; linkToken: string | null }
  | { ok: false; problem: ReturnProblem; linkToken: string | null };

/**
 * Handles the buyer's return to authRedirectUrl (ams-api.md §2.4; RFC 9700 state rules). Refuses a
 * missing, unknown, expired or reused authState, and one started in another browser — without calling
 * applyToken. A return without authCode means the buyer declined at the wallet. Reloading the return URL
 * (same state, same code) is harmless: it reports the same agreement and never calls applyToken again.
 *
 * An authCode in a URL proves nothing about whose it is (anyone can paste a code into another buyer's
 * return). Antom's signed AUTHCODE_CREATED pairs code and authState, so the return exchanges only the
 * notified code, waiting up to `authReturnWaitMs` for the notification. If none has arrived by then:
 * with `requireAuthNotification` the buyer sees "confirming" and the notification completes the agreement
 * later; without it, the code is exchanged only if no other agreement holds or was notified of it.
 * `linkToken` is returned only to the browser that started the attempt (it already holds the link).
 */
export async function completeAuthorizationReturn(
  deps: AgreementDeps,
  input: { authState: string | null; authCode: string | null; buyerBinding: string | null },
): Promise<ReturnOutcome> {
  if (!input.authState || input.authState.length > 256) return { ok: false, problem: 'missing_state', linkToken: null };
  const [row] = await deps.db
    .select({ agreement: agreements, linkToken: authorizationLinks.token })
    .from(agreements)
    .leftJoin(authorizationLinks, eq(authorizationLinks.id, agreements.linkId))
    .where(eq(agreements.authStateIndex, deps.vault.index(input.authState, 'authState')))
    .limit(1);
  if (!row) return { ok: false, problem: 'unknown_state', linkToken: null };
  const { agreement, linkToken } = row;
  if (!input.buyerBinding || deps.vault.index(input.buyerBinding, 'buyer') !== agreement.buyerBindingIndex) {
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'foreign_browser' });
    // Never hand this browser the link: it is the other buyer's bearer credential.
    return { ok: false, problem: 'foreign_browser', linkToken: null };
  }

  if (agreement.status !== 'PENDING') {
    // Same code again (reload, second tab): report the agreement as it stands. Anything else is a replay.
    const sameCode = input.authCode !== null && agreement.authCodeIndex === deps.vault.index(input.authCode, 'authCode');
    if (sameCode) {
      const result = await exchangeAuthCode(deps, agreement.id, input.authCode!, 'redirect');
      return { ok: true, status: statusOf(result.kind), agreement: result.agreement, linkToken };
    }
    if (agreement.status === 'DECLINED' && input.authCode === null) return { ok: true, status: 'declined', agreement, linkToken };
    // The attempt ran out of time (this return before, or the sweeper): a reload says so again.
    if (agreement.status === 'EXPIRED') return { ok: false, problem: 'expired_state', linkToken };
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'reused_state' });
    return { ok: false, problem: 'reused_state', linkToken };
  }

  const now = nowOf(deps);
  if (agreement.authStateExpiresAt <= now) {
    await guardedTransition(deps.db, agreements, { id: agreement.id, from: ['PENDING'], to: 'EXPIRED', set: { failureCode: 'AUTH_STATE_EXPIRED', updatedAt: now } });
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'expired_state' });
    return { ok: false, problem: 'expired_state', linkToken };
  }

  if (!input.authCode) {
    const declined = await guardedTransition(deps.db, agreements, { id: agreement.id, from: ['PENDING'], to: 'DECLINED', set: { updatedAt: now } });
    await recordAgreementEvent(deps.db, agreement.id, 'returned', { withCode: false });
    return { ok: true, status: 'declined', agreement: declined ?? agreement, linkToken };
  }

  await recordAgreementEvent(deps.db, agreement.id, 'returned', { withCode: true });
  const codeIndex = deps.vault.index(input.authCode, 'authCode');
  const notified = agreement.notifiedAuthCodeIndex ?? (await waitForPairing(deps, agreement.id));
  if (notified !== null && notified !== codeIndex) {
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'code_mismatch' });
    return { ok: false, problem: 'code_mismatch', linkToken };
  }
  if (notified === null) {
    if (deps.requireAuthNotification) {
      // The notification will complete it; the result page refreshes until then.
      return { ok: true, status: 'in_progress', agreement, linkToken };
    }
    if (await codeHeldElsewhere(deps, agreement.id, codeIndex)) {
      await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'code_mismatch' });
      return { ok: false, problem: 'code_mismatch', linkToken };
    }
  }
  let result;
  try {
    result = await exchangeAuthCode(deps, agreement.id, input.authCode, 'redirect');
  } catch (error) {
    // Lost the race with another agreement claiming this code between our check and the claim.
    if (!isUniqueViolation(error)) throw error;
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'code_mismatch' });
    return { ok: false, problem: 'code_mismatch', linkToken };
  }
  if (result.kind === 'conflict') return { ok: false, problem: 'reused_state', linkToken };
  if (result.kind === 'failed' && result.agreement.failureCode === 'LINK_USED') return { ok: false, problem: 'link_used', linkToken: null };
  if (result.kind === 'failed' && result.agreement.failureCode === 'LINK_REVOKED') return { ok: false, problem: 'link_revoked', linkToken: null };
  return { ok: true, status: statusOf(result.kind), agreement: result.agreement, linkToken };
}

/** Polls for Antom's AUTHCODE_CREATED pairing for up to authReturnWaitMs; null when none came. */
async function waitForPairing(deps: AgreementDeps, agreementId: string): Promise<string | null> {
  const deadline = Date.now() + (deps.authReturnWaitMs ?? 0);
  for (;;) {
    const [row] = await deps.db.select({ notified: agreements.notifiedAuthCodeIndex }).from(agreements).where(eq(agreements.id, agreementId));
    if (row?.notified) return row.notified;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether another agreement already exchanged this code or was told by Antom that the code is its own. */
async function codeHeldElsewhere(deps: AgreementDeps, agreementId: string, codeIndex: string): Promise<boolean> {
  const [other] = await deps.db
    .select({ id: agreements.id })
    .from(agreements)
    .where(and(ne(agreements.id, agreementId), or(eq(agreements.authCodeIndex, codeIndex), eq(agreements.notifiedAuthCodeIndex, codeIndex))))
    .limit(1);
  return other !== undefined;
}

function statusOf(kind: 'active' | 'failed' | 'in_progress' | 'conflict'): 'active' | 'failed' | 'in_progress' {
  return kind === 'conflict' ? 'failed' : kind;
}
