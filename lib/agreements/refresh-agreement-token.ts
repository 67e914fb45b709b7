import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { classifyCall, getPaymentMethod } from '@/lib/alipay';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { agreements, type Agreement } from '@/lib/db/schema';
import { nowOf, type AgreementDeps } from './agreement-deps';
import { recordAgreementEvent } from './agreement-events';
import { markAgreementInvalid } from './mark-agreement-invalid';

/** A refresh claim older than this lost its worker (killed mid-call); the next pass takes it over. */
export const STALE_REFRESH_MS = 2 * 60 * 1000;

/**
 * A token renewed this recently is not renewed again: callers that raced for the same token (a sweep and a
 * retried job, two workers) collapse into the one refresh even when one of them arrives after it finished —
 * on PostgreSQL they really run in parallel, and a short-lived token can still look due right after renewal.
 */
export const MIN_REFRESH_INTERVAL_MS = 30 * 1000;

/** Result codes meaning the grant is gone at the wallet (revoked there, or the refresh token is dead). */
const REVOKED_CODES = new Set(['INVALID_ACCESS_TOKEN', 'AUTH_CANCELED', 'INVALID_REFRESH_TOKEN', 'USER_NOT_EXIST']);

export type RefreshResult =
  | { kind: 'refreshed'; accessTokenExpiresAt: Date | null }
  | { kind: 'not_due' | 'busy' }
  | { kind: 'expired' | 'needs_reauthorization'; reason: string }
  | { kind: 'unknown'; reason: string };

/**
 * Renews one agreement's access token ahead of its expiry (REFRESH_TOKEN grant). Single-flight across
 * processes: one guarded UPDATE claims the row (tokenRefreshStartedAt), so two workers never send the
 * same refresh token twice (it rotates at the wallet). The newest refresh token is always stored.
 * The refresh token already past → EXPIRED. A final refusal → INVALID with the reason (the buyer must
 * authorize again; for wallets that never notify revocation this is how a revoke is found out).
 * No answer → the claim is released and the next pass retries.
 */
export async function refreshAgreementToken(deps: AgreementDeps, agreementId: string, options: { marginMs: number }): Promise<RefreshResult> {
  const now = nowOf(deps);
  const [claimed] = await deps.db
    .update(agreements)
    .set({ tokenRefreshStartedAt: now })
    .where(
      and(
        eq(agreements.id, agreementId),
        eq(agreements.status, 'ACTIVE'),
        lt(agreements.accessTokenExpiresAt, new Date(now.getTime() + options.marginMs)),
        or(isNull(agreements.tokenRefreshStartedAt), lt(agreements.tokenRefreshStartedAt, new Date(now.getTime() - STALE_REFRESH_MS))),
        or(isNull(agreements.tokenRefreshedAt), lt(agreements.tokenRefreshedAt, new Date(now.getTime() - MIN_REFRESH_INTERVAL_MS))),
      ),
    )
    .returning();
  if (!claimed) {
    const [row] = await deps.db.select({ startedAt: agreements.tokenRefreshStartedAt, status: agreements.status }).from(agreements).where(eq(agreements.id, agreementId));
    return { kind: row?.status === 'ACTIVE' && row.startedAt ? 'busy' : 'not_due' };
  }

  if (!claimed.refreshTokenCiphertext || claimed.tokenKeyVersion === null || (claimed.refreshTokenExpiresAt && claimed.refreshTokenExpiresAt <= now)) {
    const reason = 'The wallet authorization expired (its refresh token is past its expiry). The buyer must authorize again.';
    await expire(deps, claimed, reason);
    return { kind: 'expired', reason };
  }

  const refreshToken = deps.vault.open(claimed.refreshTokenCiphertext, agreementTokenAad(claimed.id, 'refresh_token', claimed.tokenKeyVersion));
  const outcome = await classifyCall(
    deps.alipay.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: claimed.paymentMethod as never, refreshToken }, { subject: `agreement:${claimed.id}` }),
  );
  const done = nowOf(deps);

  if (outcome.kind === 'succeeded' && outcome.data.accessToken) {
    const data = outcome.data;
    const version = deps.vault.keyVersion;
    const expiresAt = parseTime(data.accessTokenExpiryTime);
    await deps.db
      .update(agreements)
      .set({
        accessTokenCiphertext: deps.vault.seal(data.accessToken!, agreementTokenAad(claimed.id, 'access_token', version)),
        accessTokenIndex: deps.vault.index(data.accessToken!, 'accessToken'),
        accessTokenExpiresAt: expiresAt,
        // Always the newest refresh token: the wallet rotates it, and the old one stops working.
        ...(data.refreshToken
          ? { refreshTokenCiphertext: deps.vault.seal(data.refreshToken, agreementTokenAad(claimed.id, 'refresh_token', version)), refreshTokenExpiresAt: parseTime(data.refreshTokenExpiryTime) }
          : {}),
        tokenKeyVersion: data.refreshToken ? version : claimed.tokenKeyVersion,
        tokenRefreshStartedAt: null,
        tokenRefreshedAt: done,
        updatedAt: done,
      })
      .where(and(eq(agreements.id, claimed.id), eq(agreements.status, 'ACTIVE'), eq(agreements.tokenRefreshStartedAt, now)));
    await recordAgreementEvent(deps.db, claimed.id, 'token_refreshed', { outcome: outcome.kind, resultCode: outcome.resultCode, accessTokenExpiresAt: expiresAt?.toISOString() ?? null });
    return { kind: 'refreshed', accessTokenExpiresAt: expiresAt };
  }

  if (outcome.kind === 'failed') {
    const silentWallet = getPaymentMethod(claimed.paymentMethod)?.notifiesRevocation === false;
    const revoked = REVOKED_CODES.has(outcome.resultCode);
    const reason = revoked
      ? `The wallet no longer honours this authorization (${outcome.resultCode})${silentWallet ? '; this wallet does not notify revocations, so it was found out at this token refresh' : ''}. The buyer must authorize again.`
      : `Token refresh was refused (${outcome.resultCode}: ${outcome.reason}). The buyer must authorize again.`;
    await deps.db.transaction(async (tx) => {
      await markAgreementInvalid(tx, claimed.id, { reason, resultCode: outcome.resultCode, cause: 'job', at: done });
    });
    return { kind: 'needs_reauthorization', reason };
  }

  // unknown / not_sent: nothing is known to have changed; release the claim for the next pass.
  await recordAgreementEvent(deps.db, claimed.id, 'token_refreshed', { outcome: outcome.kind, resultCode: outcome.resultCode, accessTokenExpiresAt: null });
  await deps.db
    .update(agreements)
    .set({ tokenRefreshStartedAt: null })
    .where(and(eq(agreements.id, claimed.id), eq(agreements.tokenRefreshStartedAt, now)));
  return { kind: 'unknown', reason: outcome.kind === 'succeeded' ? 'The refresh answer carried no access token.' : outcome.reason };
}

/** ACTIVE → EXPIRED: the refresh token ran out, so no renewal is possible. */
async function expire(deps: AgreementDeps, agreement: Agreement, reason: string): Promise<void> {
  const at = nowOf(deps);
  await deps.db.transaction(async (tx) => {
    const row = await guardedTransition(tx, agreements, {
      id: agreement.id,
      from: ['ACTIVE'],
      to: 'EXPIRED',
      set: { failureCode: 'REFRESH_TOKEN_EXPIRED', failureMessage: reason, tokenRefreshStartedAt: null, updatedAt: at },
    });
    if (row) await recordAgreementEvent(tx, agreement.id, 'token_expired', { cause: 'job', reason });
  });
}

function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
