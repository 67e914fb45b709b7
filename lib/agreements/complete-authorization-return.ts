import { and, eq } from 'drizzle-orm';
import { agreements, authorizationLinks, type Agreement } from '@/lib/db/schema';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { exchangeAuthCode } from './exchange-auth-code';

export type ReturnProblem = 'missing_state' | 'unknown_state' | 'foreign_browser' | 'expired_state' | 'reused_state';

export type ReturnOutcome =
  | { ok: true; status: 'active' | 'declined' | 'failed' | 'in_progress'; agreement: Agreement; linkToken: string | null }
  | { ok: false; problem: ReturnProblem; linkToken: string | null };

/**
 * Handles the buyer's return to authRedirectUrl (ams-api.md §2.4; RFC 9700 state rules). Refuses a
 * missing, unknown, expired or reused authState, and one started in another browser — without calling
 * applyToken. A return without authCode means the buyer declined at the wallet. Reloading the return URL
 * (same state, same code) is harmless: it reports the same agreement and never calls applyToken again.
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
    return { ok: false, problem: 'foreign_browser', linkToken };
  }

  if (agreement.status !== 'PENDING') {
    // Same code again (reload, second tab): report the agreement as it stands. Anything else is a replay.
    const sameCode = input.authCode !== null && agreement.authCodeIndex === deps.vault.index(input.authCode, 'authCode');
    if (sameCode) {
      const result = await exchangeAuthCode(deps, agreement.id, input.authCode!, 'redirect');
      return { ok: true, status: statusOf(result.kind), agreement: result.agreement, linkToken };
    }
    if (agreement.status === 'DECLINED' && input.authCode === null) return { ok: true, status: 'declined', agreement, linkToken };
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'reused_state' });
    return { ok: false, problem: 'reused_state', linkToken };
  }

  const now = nowOf(deps);
  if (agreement.authStateExpiresAt <= now) {
    await deps.db
      .update(agreements)
      .set({ status: 'EXPIRED', failureCode: 'AUTH_STATE_EXPIRED', updatedAt: now })
      .where(and(eq(agreements.id, agreement.id), eq(agreements.status, 'PENDING')));
    await recordAgreementEvent(deps.db, agreement.id, 'return_refused', { reason: 'expired_state' });
    return { ok: false, problem: 'expired_state', linkToken };
  }

  if (!input.authCode) {
    const [declined] = await deps.db
      .update(agreements)
      .set({ status: 'DECLINED', updatedAt: now })
      .where(and(eq(agreements.id, agreement.id), eq(agreements.status, 'PENDING')))
      .returning();
    await recordAgreementEvent(deps.db, agreement.id, 'returned', { withCode: false });
    return { ok: true, status: 'declined', agreement: declined ?? agreement, linkToken };
  }

  await recordAgreementEvent(deps.db, agreement.id, 'returned', { withCode: true });
  const result = await exchangeAuthCode(deps, agreement.id, input.authCode, 'redirect');
  if (result.kind === 'conflict') return { ok: false, problem: 'reused_state', linkToken };
  return { ok: true, status: statusOf(result.kind), agreement: result.agreement, linkToken };
}

function statusOf(kind: 'active' | 'failed' | 'in_progress' | 'conflict'): 'active' | 'failed' | 'in_progress' {
  return kind === 'conflict' ? 'failed' : kind;
}
