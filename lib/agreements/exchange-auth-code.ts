import { and, eq, lt, or } from 'drizzle-orm';
import { describeResult, type EndpointResponse } from '@/lib/alipay';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements, authorizationLinks, type Agreement } from '@/lib/db/schema';
import { APPLY_WAIT_MS, maskLoginId, nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';

export type ExchangeResult =
  | { kind: 'active'; agreement: Agreement }
  | { kind: 'failed'; agreement: Agreement }
  | { kind: 'in_progress'; agreement: Agreement }
  | { kind: 'conflict'; agreement: Agreement };

const APPLY_ATTEMPTS = 3;
/**
 * An APPLYING row older than this lost its caller (process killed mid-call). The next caller holding the
 * same authCode (the buyer reloading, or Antom resending AUTHCODE_CREATED) takes it over and retries.
 */
export const STALE_APPLY_MS = 2 * 60 * 1000;

/**
 * Exchanges an authCode for tokens exactly once per agreement, whoever calls first (the buyer's return,
 * a reload, a second tab, or the AUTHCODE_CREATED notification). One guarded UPDATE PENDING → APPLYING
 * elects the single caller that runs applyToken; every other caller with the same code waits for that
 * result instead of calling again. A different code for an agreement that already has one is a conflict.
 * A claim abandoned for STALE_APPLY_MS (crash mid-call) is taken over by the next caller with the same code.
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
          and(eq(agreements.status, 'APPLYING'), eq(agreements.authCodeIndex, codeIndex), lt(agreements.applyStartedAt, new Date(now.getTime() - STALE_APPLY_MS))),
        ),
      ),
    )
    .returning();

  if (!claimed) {
    const current = await waitWhileApplying(deps, agreementId);
    if (current.authCodeIndex !== codeIndex) return { kind: 'conflict', agreement: current };
    return classify(current);
  }

  let response: EndpointResponse<'applyToken'> | undefined;
  let outcome: 'success' | 'failed' | 'unknown' = 'unknown';
  let resultCode = 'NO_ANSWER';
  // U or no answer: the same code may be retried (ams-api.md §4.3); a final F ends the attempt.
  for (let attempt = 1; attempt <= APPLY_ATTEMPTS && outcome === 'unknown'; attempt++) {
    try {
      const call = await deps.alipay.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: claimed.paymentMethod as never, authCode });
      response = call.data;
      outcome = call.outcome;
      resultCode = call.result.resultCode;
    } catch (error) {
      resultCode = (error as { code?: string }).code ?? 'NO_ANSWER';
    }
  }
  await recordAgreementEvent(deps.db, agreementId, 'apply_token', { source, outcome, resultCode });

  const done = nowOf(deps);
  if (outcome === 'success' && response?.accessToken) {
    const version = deps.vault.keyVersion;
    const activated = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(agreements)
        .set({
          status: 'ACTIVE',
          accessTokenCiphertext: deps.vault.seal(response.accessToken!, agreementTokenAad(agreementId, 'access_token', version)),
          accessTokenIndex: deps.vault.index(response.accessToken!, 'accessToken'),
          accessTokenExpiresAt: parseTime(response.accessTokenExpiryTime),
          refreshTokenCiphertext: response.refreshToken ? deps.vault.seal(response.refreshToken, agreementTokenAad(agreementId, 'refresh_token', version)) : null,
          refreshTokenExpiresAt: parseTime(response.refreshTokenExpiryTime),
          tokenKeyVersion: version,
          userLoginIdMasked: maskLoginId(response.userLoginId),
          activatedAt: done,
          updatedAt: done,
        })
        .where(and(eq(agreements.id, agreementId), eq(agreements.status, 'APPLYING')))
        .returning();
      if (row?.linkId) {
        await tx
          .update(authorizationLinks)
          .set({ status: 'USED', usedAt: done })
          .where(and(eq(authorizationLinks.id, row.linkId), eq(authorizationLinks.status, 'OPEN')));
      }
      return row;
    });
    if (activated) return { kind: 'active', agreement: activated };
  }

  const meaning = outcome === 'unknown' ? 'The wallet did not confirm the authorization. Please start again.' : describeResult({ resultStatus: 'F', resultCode }).meaning;
  const [failed] = await deps.db
    .update(agreements)
    .set({ status: 'FAILED', failureCode: outcome === 'success' ? 'NO_ACCESS_TOKEN' : resultCode, failureMessage: meaning, updatedAt: done })
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
