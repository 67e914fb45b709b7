import { and, eq, lt, or } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { log } from '@/lib/log';
import { claimAuthorizationLink } from '@/lib/customers/claim-authorization-link';
import { agreements, authorizationLinks, type Agreement } from '@/lib/db/schema';
import { createScheduleFromLinkPlan, type PlanOutcome } from '@/lib/schedules/link-plan';
import { nextRefreshDueAt } from './refresh-schedule';
import { APPLY_WAIT_MS, maskLoginId, nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';

export type ExchangeResult =
  | { kind: 'active'; agreement: Agreement }
  | { kind: 'failed'; agreement: Agreement }
  | { kind: 'in_progress'; agreement: Agreement }
  | { kind: 'conflict'; agreement: Agreement };

/** Margin for the database writes around the call. */
const CLAIM_MARGIN_MS = 30_000;

/**
 * How long an APPLYING claim is held before the next caller with the same authCode (the buyer reloading,
 * Antom resending AUTHCODE_CREATED) may take it over: longer than the slowest possible applyToken call
 * (every attempt timing out, plus back-off), so a live claim is never taken over and applyToken never runs
 * twice at once. A claim is released at once when the call's outcome is unknown.
 */
export function staleApplyMs(deps: Pick<AgreementDeps, 'alipay'>): number {
  // The transport owns the retries of the one applyToken call (retry table in lib/alipay); nothing here
  // loops around the call, so retry budgets cannot stack.
  return deps.alipay.worstCaseCallMs('applyToken') + CLAIM_MARGIN_MS;
}

/** Clears every token column (an activation that lost its link keeps nothing). */
const NO_TOKENS = {
  accessTokenCiphertext: null,
  accessTokenIndex: null,
  accessTokenExpiresAt: null,
  refreshTokenCiphertext: null,
  refreshTokenExpiresAt: null,
  tokenKeyVersion: null,
  tokenRefreshDueAt: null,
  userLoginIdMasked: null,
} as const;

/** applyStartedAt of a released claim: older than any staleness bound, so the next caller takes it at once. */
const RELEASED_CLAIM = new Date(0);

/**
 * Exchanges an authCode for tokens exactly once per agreement, whoever calls first (the buyer's return,
 * a reload, a second tab, or the AUTHCODE_CREATED notification). One guarded UPDATE PENDING → APPLYING
 * elects the single caller that runs applyToken; every other caller with the same code waits for that
 * result instead of calling again. A different code for an agreement that already has one is a conflict.
 * A claim abandoned for staleApplyMs (crash mid-call) is taken over by the next caller with the same code.
 */
export async function exchangeAuthCode(
  deps: AgreementDeps,
  agreementId: string,
  authCode: string,
  source: 'redirect' | 'notification',
): Promise<ExchangeResult> {
  const codeIndex = deps.vault.index(authCode, 'authCode');
  const now = nowOf(deps);
  const [claimed] = await deps.db
    .update(agreements)
    .set({ status: 'APPLYING', authCodeIndex: codeIndex, applyStartedAt: now, updatedAt: now })
    .where(
      and(
        eq(agreements.id, agreementId),
        or(
          eq(agreements.status, 'PENDING'),
          and(eq(agreements.status, 'APPLYING'), eq(agreements.authCodeIndex, codeIndex), lt(agreements.applyStartedAt, new Date(now.getTime() - staleApplyMs(deps)))),
        ),
      ),
    )
    .returning();

  if (!claimed) {
    const current = await waitWhileApplying(deps, agreementId);
    if (current.authCodeIndex !== codeIndex) return { kind: 'conflict', agreement: current };
    return classify(current);
  }

  const call = await classifyCall(
    deps.alipay.applyToken(
      { grantType: 'AUTHORIZATION_CODE', customerBelongsTo: claimed.paymentMethod as never, authCode },
      { subject: `agreement:${agreementId}` },
    ),
  );
  await recordAgreementEvent(deps.db, agreementId, 'apply_token', { source, outcome: call.kind, resultCode: call.resultCode });

  const done = nowOf(deps);
  if (call.kind === 'unknown' || call.kind === 'not_sent') {
    // The code may still be good (ams-api.md §4.3: retry the same code on U): release the claim so the next
    // holder of this code (a reload, Antom's resent AUTHCODE_CREATED) retries at once. Never FAILED here.
    await deps.db
      .update(agreements)
      .set({ applyStartedAt: RELEASED_CLAIM, updatedAt: done })
      .where(and(eq(agreements.id, agreementId), eq(agreements.status, 'APPLYING'), eq(agreements.authCodeIndex, codeIndex)));
    return { kind: 'in_progress', agreement: await load(deps, agreementId) };
  }

  const response = call.data;
  if (call.kind === 'succeeded' && response.accessToken) {
    const accessToken = response.accessToken;
    const version = deps.vault.keyVersion;
    let planOutcome: PlanOutcome | undefined;
    const activated = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(agreements)
        .set({
          status: 'ACTIVE',
          accessTokenCiphertext: deps.vault.seal(accessToken, agreementTokenAad(agreementId, 'access_token', version)),
          accessTokenIndex: deps.vault.index(accessToken, 'accessToken'),
          accessTokenExpiresAt: parseTime(response.accessTokenExpiryTime),
          tokenRefreshDueAt: nextRefreshDueAt({ issuedAt: done, expiresAt: parseTime(response.accessTokenExpiryTime), paymentMethod: claimed.paymentMethod }),
          refreshTokenCiphertext: response.refreshToken ? deps.vault.seal(response.refreshToken, agreementTokenAad(agreementId, 'refresh_token', version)) : null,
          refreshTokenExpiresAt: parseTime(response.refreshTokenExpiryTime),
          tokenKeyVersion: version,
          userLoginIdMasked: maskLoginId(response.userLoginId),
          activatedAt: done,
          updatedAt: done,
        })
        .where(and(eq(agreements.id, agreementId), eq(agreements.status, 'APPLYING')))
        .returning();
      if (!row?.linkId) return row;
      // One link, one agreement: the first activation claims the OPEN link; a later one (second tab or
      // browser) or a link revoked while the buyer was at the wallet activates nothing and keeps no token.
      const claim = await claimAuthorizationLink(tx, row.linkId, done);
      if (claim.ok) {
        // The link's plan becomes the agreement's schedule in the same transaction (once: link_id is unique).
        const [link] = await tx.select({ id: authorizationLinks.id, plan: authorizationLinks.plan }).from(authorizationLinks).where(eq(authorizationLinks.id, row.linkId));
        if (link?.plan) planOutcome = await createScheduleFromLinkPlan(tx, row, { id: link.id, plan: link.plan }, done);
        return row;
      }
      const [lost] = await tx
        .update(agreements)
        .set({ ...NO_TOKENS, status: 'FAILED', failureCode: claim.problem === 'link_revoked' ? 'LINK_REVOKED' : 'LINK_USED', failureMessage: 'The authorization link was already used or revoked.', activatedAt: null })
        .where(eq(agreements.id, agreementId))
        .returning();
      return lost;
    });
    if (activated?.status === 'ACTIVE') {
      if (planOutcome?.kind === 'not_applicable') log().warn({ agreementId, reason: planOutcome.reason }, 'authorization link plan not applied');
      return { kind: 'active', agreement: activated };
    }
    if (activated) {
      // The wallet granted a token we will not use: revoke it at Antom, outside the transaction.
      const revoked = await classifyCall(deps.alipay.revoke({ accessToken }, { subject: `agreement:${agreementId}` }));
      await recordAgreementEvent(deps.db, agreementId, 'revoke', { by: 'system', outcome: revoked.kind, resultCode: revoked.resultCode });
      return { kind: 'failed', agreement: activated };
    }
  }

  const failureCode = call.kind === 'succeeded' ? 'NO_ACCESS_TOKEN' : call.resultCode;
  const failureMessage = call.kind === 'succeeded' ? 'Antom confirmed the authorization but returned no access token.' : call.reason;
  const [failed] = await deps.db
    .update(agreements)
    .set({ status: 'FAILED', failureCode, failureMessage, updatedAt: done })
    .where(and(eq(agreements.id, agreementId), eq(agreements.status, 'APPLYING')))
    .returning();
  return classify(failed ?? (await load(deps, agreementId)));
}

function classify(agreement: Agreement): ExchangeResult {
  if (agreement.status === 'ACTIVE' || agreement.status === 'REVOKED' || agreement.status === 'INVALID') return { kind: 'active', agreement };
  if (agreement.status === 'APPLYING') return { kind: 'in_progress', agreement };
  return { kind: 'failed', agreement };
}

async function load(deps: AgreementDeps, agreementId: string): Promise<Agreement> {
  const [row] = await deps.db.select().from(agreements).where(eq(agreements.id, agreementId));
  if (!row) throw new Error(`agreement ${agreementId} vanished`);
  return row;
}

/** Polls while another caller's applyToken is in flight (bounded), then returns the row as it stands. */
async function waitWhileApplying(deps: AgreementDeps, agreementId: string): Promise<Agreement> {
  const deadline = Date.now() + APPLY_WAIT_MS;
  let row = await load(deps, agreementId);
  while (row.status === 'APPLYING' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    row = await load(deps, agreementId);
  }
  return row;
}

function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
