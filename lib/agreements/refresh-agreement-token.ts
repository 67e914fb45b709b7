import { and, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { classifyCall, classifyRefreshRefusal, getPaymentMethod } from '@/lib/alipay';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { agreements, agreementTokenHistory, type Agreement } from '@/lib/db/schema';
import { nowOf, type AgreementDeps } from './agreement-deps';
import { recordAgreementEvent } from './agreement-events';
import { markAgreementInvalid } from './mark-agreement-invalid';
import { nextRefreshDueAt, staleRefreshMs } from './refresh-schedule';
import { getTokenRefreshHalt, haltTokenRefresh } from './token-refresh-halt';
import { pauseSchedulesForAgreement } from '@/lib/schedules/manage-schedule';

/** After a refusal that is neither the grant's nor our configuration's, try again this much later. */
export const REFUSED_RETRY_MS = 60 * 60 * 1000;

export type RefreshResult =
  | { kind: 'refreshed'; accessTokenExpiresAt: Date | null; claimLost: boolean }
  | { kind: 'not_due' | 'busy' }
  | { kind: 'halted'; code: string }
  | { kind: 'superseded'; reason: string }
  | { kind: 'expired' | 'needs_reauthorization' | 'needs_attention' | 'refused'; reason: string }
  | { kind: 'unknown'; reason: string };

/**
 * Renews one agreement's access token when it is due (two thirds into its lifetime, refresh-schedule.ts).
 * A refresh rotates the refresh token at the wallet, so it is sent exactly once:
 *
 * - Single-flight across processes: one guarded UPDATE claims the row (tokenRefreshStartedAt) for longer
 *   than the slowest possible step (staleRefreshMs), and the transport never resends it (retry table).
 * - The answer is stored by compare-and-swap on the refresh token that was sent — not on the claim — so the
 *   newest token is persisted even when the claim was lost (it is the only one that works), and an answer
 *   for a token already superseded changes nothing.
 * - No answer → the agreement needs attention (tokenRefreshUnknownAt) and stays ACTIVE; the next step asks
 *   the wallet for the token's state (authorizations/query, where offered), adopts a newer refresh token it
 *   reports, then sends one refresh with the newest stored token. A refusal after our own unknown never
 *   invalidates: it may only be our lost rotation speaking.
 * - Only grant codes (dead or expired refresh token, user revoked) end the agreement. Merchant-side
 *   configuration codes stop refreshes for everyone with one alert, agreements untouched.
 */
export async function refreshAgreementToken(deps: AgreementDeps, agreementId: string, options: { force?: boolean } = {}): Promise<RefreshResult> {
  const halt = await getTokenRefreshHalt(deps.db);
  if (halt) return { kind: 'halted', code: halt.code };

  const now = nowOf(deps);
  const [claimed] = await deps.db
    .update(agreements)
    .set({ tokenRefreshStartedAt: now })
    .where(
      and(
        eq(agreements.id, agreementId),
        eq(agreements.status, 'ACTIVE'),
        options.force ? undefined : lte(agreements.tokenRefreshDueAt, now),
        or(isNull(agreements.tokenRefreshStartedAt), lt(agreements.tokenRefreshStartedAt, new Date(now.getTime() - staleRefreshMs(deps)))),
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

  const subject = `agreement:${claimed.id}`;
  let sentCiphertext = claimed.refreshTokenCiphertext;
  let refreshToken = deps.vault.open(sentCiphertext, agreementTokenAad(claimed.id, 'refresh_token', claimed.tokenKeyVersion));
  const afterUnknown = claimed.tokenRefreshUnknownAt !== null;

  if (afterUnknown && claimed.accessTokenCiphertext && getPaymentMethod(claimed.paymentMethod)?.supportsTokenQuery) {
    // Recovery, step 1: ask the wallet where the token stands; a refresh token it reports that differs from
    // ours is the one our lost answer carried — store it first (it is the only one that works).
    const accessToken = deps.vault.open(claimed.accessTokenCiphertext, agreementTokenAad(claimed.id, 'access_token', claimed.tokenKeyVersion));
    const query = await classifyCall(deps.alipay.queryToken({ accessToken }, { subject }));
    await recordAgreementEvent(deps.db, claimed.id, 'token_queried', { outcome: query.kind, resultCode: query.resultCode, tokenStatus: query.kind === 'succeeded' ? (query.data.tokenStatusType ?? null) : null });
    const reported = query.kind === 'succeeded' ? query.data.refreshToken : undefined;
    if (reported && reported !== refreshToken) {
      const version = deps.vault.keyVersion;
      const sealed = deps.vault.seal(reported, agreementTokenAad(claimed.id, 'refresh_token', version));
      const reexpires = parseTime(query.kind === 'succeeded' ? query.data.refreshTokenExpiryTime : null);
      const accessSealed = deps.vault.seal(accessToken, agreementTokenAad(claimed.id, 'access_token', version));
      const [adopted] = await deps.db
        .update(agreements)
        .set({ refreshTokenCiphertext: sealed, accessTokenCiphertext: accessSealed, tokenKeyVersion: version, ...(reexpires ? { refreshTokenExpiresAt: reexpires } : {}), updatedAt: nowOf(deps) })
        .where(and(eq(agreements.id, claimed.id), eq(agreements.refreshTokenCiphertext, sentCiphertext)))
        .returning({ id: agreements.id });
      if (adopted) {
        sentCiphertext = sealed;
        refreshToken = reported;
        await recordAgreementEvent(deps.db, claimed.id, 'refresh_token_recovered', { via: 'authorizations/query' });
      }
    }
  }

  // Sent once: the retry table gives REFRESH_TOKEN no transport retries, and nothing here loops.
  const outcome = await classifyCall(
    deps.alipay.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: claimed.paymentMethod as never, refreshToken }, { subject }),
  );
  const done = nowOf(deps);

  if (outcome.kind === 'succeeded' && outcome.data.accessToken) {
    return storeRefreshed(deps, claimed, { sentCiphertext, claimedAt: now, done, data: outcome.data, resultCode: outcome.resultCode });
  }

  if (outcome.kind === 'failed' || (outcome.kind === 'unknown' && classifyRefreshRefusal(outcome.resultCode) === 'merchant_config')) {
    const refusal = classifyRefreshRefusal(outcome.resultCode);
    if (refusal === 'merchant_config') {
      // Our account or keys, not the buyer's grant: every agreement would hear the same. One alert, nobody ended.
      const message = `Antom refused a token refresh with ${outcome.resultCode} (${outcome.reason}). This is a merchant-side configuration problem; token refreshes are stopped for every agreement until an admin resumes them in Developers.`;
      const raised = await haltTokenRefresh(deps.db, { code: outcome.resultCode, message, at: done });
      // An unsigned refusal proves nothing about whether the refresh ran: treat it as unknown for this agreement too.
      await release(deps, claimed.id, now, outcome.kind === 'unknown' ? { tokenRefreshUnknownAt: done, tokenRefreshProblem: message } : {});
      await recordAgreementEvent(deps.db, claimed.id, 'token_refresh_halted', { resultCode: outcome.resultCode, raised });
      return { kind: 'halted', code: outcome.resultCode };
    }
    if (refusal === 'grant') {
      if (afterUnknown) {
        // Our own earlier refresh may have rotated the token and lost the answer: this refusal may be that
        // rotation speaking. Never INVALID on it; a person decides, the current access token works until it expires.
        const reason = `Token refresh refused (${outcome.resultCode}) after an earlier refresh answer was lost; the wallet may have issued a token we never received. The agreement stays usable until its access token expires; ask the buyer to authorize again if charges start failing.`;
        await release(deps, claimed.id, now, { tokenRefreshProblem: reason, tokenRefreshDueAt: null }, sentCiphertext);
        await recordAgreementEvent(deps.db, claimed.id, 'token_refresh_needs_attention', { resultCode: outcome.resultCode });
        return { kind: 'needs_attention', reason };
      }
      const silentWallet = getPaymentMethod(claimed.paymentMethod)?.notifiesRevocation === false;
      const reason = `The wallet no longer honours this authorization (${outcome.resultCode})${silentWallet ? '; this wallet does not notify revocations, so it was found out at this token refresh' : ''}. The buyer must authorize again.`;
      const ended = await deps.db.transaction(async (tx) => {
        // A refusal of a token someone else has already replaced is stale: it says nothing about the grant.
        const [current] = await tx.select({ refresh: agreements.refreshTokenCiphertext }).from(agreements).where(eq(agreements.id, claimed.id)).for('update');
        if (current?.refresh !== sentCiphertext) return false;
        await markAgreementInvalid(tx, claimed.id, { reason, resultCode: outcome.resultCode, cause: 'job', at: done });
        await tx.update(agreements).set({ tokenRefreshStartedAt: null, tokenRefreshDueAt: null }).where(eq(agreements.id, claimed.id));
        return true;
      });
      if (!ended) return { kind: 'superseded', reason: 'The refusal was for a refresh token already replaced; nothing changed.' };
      return { kind: 'needs_reauthorization', reason };
    }
    const reason = `Token refresh was refused (${outcome.resultCode}: ${outcome.reason}); retried in an hour. The agreement stays active.`;
    await release(deps, claimed.id, now, { tokenRefreshProblem: reason, tokenRefreshDueAt: new Date(done.getTime() + REFUSED_RETRY_MS) });
    await recordAgreementEvent(deps.db, claimed.id, 'token_refresh_refused', { resultCode: outcome.resultCode });
    return { kind: 'refused', reason };
  }

  if (outcome.kind === 'not_sent') {
    // Nothing left the process: the refresh token did not rotate. Release for the next pass.
    await release(deps, claimed.id, now, {});
    await recordAgreementEvent(deps.db, claimed.id, 'token_refreshed', { outcome: outcome.kind, resultCode: outcome.resultCode, accessTokenExpiresAt: null });
    return { kind: 'unknown', reason: outcome.reason };
  }

  // unknown (timeout, 5xx, U, an S without a token): the wallet may have rotated the refresh token.
  const reason = outcome.kind === 'succeeded' ? 'The refresh answer carried no access token.' : outcome.reason;
  await release(deps, claimed.id, now, {
    tokenRefreshUnknownAt: done,
    tokenRefreshProblem: `The answer to a token refresh was lost (${outcome.resultCode}); recovering with a token query and one more refresh. The agreement stays active.`,
  });
  await recordAgreementEvent(deps.db, claimed.id, 'token_refreshed', { outcome: 'unknown', resultCode: outcome.resultCode, accessTokenExpiresAt: null });
  return { kind: 'unknown', reason };
}

/**
 * Stores a refresh answer: new access token (its predecessor's blind index kept in the history until it
 * expires), always the newest refresh token, the next due time; clears the claim if still ours.
 */
async function storeRefreshed(
  deps: AgreementDeps,
  claimed: Agreement,
  input: { sentCiphertext: string; claimedAt: Date; done: Date; resultCode: string; data: { accessToken?: string | null; accessTokenExpiryTime?: string | null; refreshToken?: string | null; refreshTokenExpiryTime?: string | null } },
): Promise<RefreshResult> {
  const { data, done } = input;
  const version = deps.vault.keyVersion;
  const accessToken = data.accessToken!;
  const expiresAt = parseTime(data.accessTokenExpiryTime);
  const newIndex = deps.vault.index(accessToken, 'accessToken');
  const stored = await deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(agreements).where(eq(agreements.id, claimed.id)).for('update');
    // Compare-and-swap on the refresh token we sent: the answer belongs to this row only if the row still
    // holds it. The claim is not a condition — a lost claim must not lose the only working token.
    if (!current || current.refreshTokenCiphertext !== input.sentCiphertext) return null;
    if (current.accessTokenIndex && current.accessTokenIndex !== newIndex) {
      await tx
        .insert(agreementTokenHistory)
        .values({ accessTokenIndex: current.accessTokenIndex, agreementId: claimed.id, accessTokenExpiresAt: current.accessTokenExpiresAt, supersededAt: done })
        .onConflictDoNothing();
    }
    const refreshSealed = data.refreshToken ? deps.vault.seal(data.refreshToken, agreementTokenAad(claimed.id, 'refresh_token', version)) : null;
    // Both columns must share one key version (their AAD names it): re-seal the kept refresh token if needed.
    const keptRefresh =
      refreshSealed ??
      (current.tokenKeyVersion === version
        ? current.refreshTokenCiphertext!
        : deps.vault.seal(deps.vault.open(current.refreshTokenCiphertext!, agreementTokenAad(claimed.id, 'refresh_token', current.tokenKeyVersion!)), agreementTokenAad(claimed.id, 'refresh_token', version)));
    const claimHeld = current.tokenRefreshStartedAt?.getTime() === input.claimedAt.getTime();
    await tx
      .update(agreements)
      .set({
        accessTokenCiphertext: deps.vault.seal(accessToken, agreementTokenAad(claimed.id, 'access_token', version)),
        accessTokenIndex: newIndex,
        accessTokenExpiresAt: expiresAt,
        refreshTokenCiphertext: keptRefresh,
        ...(data.refreshToken ? { refreshTokenExpiresAt: parseTime(data.refreshTokenExpiryTime) } : {}),
        tokenKeyVersion: version,
        tokenRefreshDueAt: nextRefreshDueAt({ issuedAt: done, expiresAt, paymentMethod: claimed.paymentMethod }),
        tokenRefreshUnknownAt: null,
        tokenRefreshProblem: null,
        ...(claimHeld ? { tokenRefreshStartedAt: null } : {}),
        tokenRefreshedAt: done,
        updatedAt: done,
      })
      .where(eq(agreements.id, claimed.id));
    await recordAgreementEvent(tx, claimed.id, 'token_refreshed', { outcome: 'succeeded', resultCode: input.resultCode, accessTokenExpiresAt: expiresAt?.toISOString() ?? null, claimLost: !claimHeld });
    return { claimLost: !claimHeld };
  });
  if (!stored) {
    await recordAgreementEvent(deps.db, claimed.id, 'token_refresh_superseded', { resultCode: input.resultCode });
    return { kind: 'superseded', reason: 'The refresh answered for a refresh token this agreement no longer holds; nothing was changed.' };
  }
  return { kind: 'refreshed', accessTokenExpiresAt: expiresAt, claimLost: stored.claimLost };
}

/** Releases the claim if it is still ours (and optionally only if the row still holds the refresh token sent). */
async function release(deps: AgreementDeps, id: string, claimedAt: Date, set: Partial<typeof agreements.$inferInsert>, sentCiphertext?: string): Promise<void> {
  await deps.db
    .update(agreements)
    .set({ ...set, tokenRefreshStartedAt: sql`case when ${agreements.tokenRefreshStartedAt} = ${claimedAt.toISOString()}::timestamptz then null else ${agreements.tokenRefreshStartedAt} end`, updatedAt: nowOf(deps) })
    .where(and(eq(agreements.id, id), sentCiphertext ? eq(agreements.refreshTokenCiphertext, sentCiphertext) : undefined));
}

/** ACTIVE → EXPIRED: the refresh token ran out, so no renewal is possible. */
async function expire(deps: AgreementDeps, agreement: Agreement, reason: string): Promise<void> {
  const at = nowOf(deps);
  await deps.db.transaction(async (tx) => {
    const row = await guardedTransition(tx, agreements, {
      id: agreement.id,
      from: ['ACTIVE'],
      to: 'EXPIRED',
      set: { failureCode: 'REFRESH_TOKEN_EXPIRED', failureMessage: reason, tokenRefreshStartedAt: null, tokenRefreshDueAt: null, updatedAt: at },
    });
    if (row) {
      await recordAgreementEvent(tx, agreement.id, 'token_expired', { cause: 'job', reason });
      await pauseSchedulesForAgreement(tx, agreement.id, `Paused: the agreement expired (${reason}).`, at);
    }
  });
}

function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
