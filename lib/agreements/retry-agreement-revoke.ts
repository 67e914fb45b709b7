import { and, eq } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements } from '@/lib/db/schema';
import { nowOf, type AgreementDeps } from './agreement-deps';
import { recordAgreementEvent } from './agreement-events';

/** Queue of merchant-side revokes whose first call got no definite answer. */
export const RETRY_REVOKE_JOB = 'agreements-retry-revoke';

/** Result codes meaning the token is already dead at Antom: the agreement is over either way. */
const DEAD_TOKEN_CODES = new Set(['INVALID_ACCESS_TOKEN', 'ACCESS_TOKEN_EXPIRED', 'AUTH_CANCELED', 'USER_NOT_EXIST']);

/**
 * Resends a merchant-side revoke that ended U / unanswered (revoke is idempotent per token at Antom).
 * S → REVOKED; a dead-token F → INVALID; another F → stop, recorded; no answer → 'unknown' (the job
 * retries with back-off). An agreement no longer ACTIVE (revoked by the wallet meanwhile) needs nothing.
 */
export async function retryAgreementRevoke(deps: AgreementDeps, agreementId: string, revokedBy: string): Promise<'revoked' | 'invalid' | 'refused' | 'unknown' | 'nothing_to_do'> {
  const [agreement] = await deps.db.select().from(agreements).where(eq(agreements.id, agreementId));
  if (!agreement || agreement.status !== 'ACTIVE' || !agreement.accessTokenCiphertext || agreement.tokenKeyVersion === null) return 'nothing_to_do';
  const accessToken = deps.vault.open(agreement.accessTokenCiphertext, agreementTokenAad(agreement.id, 'access_token', agreement.tokenKeyVersion));
  const call = await classifyCall(deps.alipay.revoke({ accessToken }, { subject: `agreement:${agreement.id}` }));
  await recordAgreementEvent(deps.db, agreement.id, 'revoke', { by: revokedBy.startsWith('staff') ? 'staff' : 'buyer', outcome: call.kind, resultCode: call.resultCode });
  if (call.kind === 'unknown' || call.kind === 'not_sent') return 'unknown';
  const status = call.kind === 'succeeded' ? 'REVOKED' : DEAD_TOKEN_CODES.has(call.resultCode) ? 'INVALID' : null;
  if (!status) return 'refused';
  const now = nowOf(deps);
  await deps.db
    .update(agreements)
    .set({ status, revokedAt: now, revokedBy, updatedAt: now })
    .where(and(eq(agreements.id, agreement.id), eq(agreements.status, 'ACTIVE')));
  return status === 'REVOKED' ? 'revoked' : 'invalid';
}
