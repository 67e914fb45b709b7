import { eq } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay';
import { recordAudit } from '@/lib/audit/record-audit';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements } from '@/lib/db/schema';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { markAgreementInvalid } from './mark-agreement-invalid';

export const MISUSED_AUTH_CODE = 'AUTH_CODE_MISUSED';

/**
 * Antom's signed AUTHCODE_CREATED pairs an authCode with one authState. When another attempt already
 * activated an agreement with that code (lenient mode, AUTH_REQUIRE_NOTIFICATION=false: a code pasted into
 * someone else's return before its owner's notification arrived), that agreement holds a wallet that is not
 * its buyer's: it becomes INVALID at once (no charge can use it; guarded UPDATE + audit in one transaction)
 * and its token is revoked at Antom, outside the transaction. Returns the invalidated agreement's id, or
 * null when the code's holder is the rightful agreement, is not ACTIVE, or does not exist.
 */
export async function invalidateMisusedAuthCode(deps: AgreementDeps, input: { authCode: string; rightfulAgreementId: string }): Promise<string | null> {
  const at = nowOf(deps);
  const codeIndex = deps.vault.index(input.authCode, 'authCode');
  const invalidated = await deps.db.transaction(async (tx) => {
    const [holder] = await tx.select({ id: agreements.id }).from(agreements).where(eq(agreements.authCodeIndex, codeIndex)).limit(1);
    if (!holder || holder.id === input.rightfulAgreementId) return null;
    const row = await markAgreementInvalid(tx, holder.id, {
      reason: "This agreement was completed with an authorization code Antom issued to another buyer's session, so it was cancelled and its wallet token revoked.",
      resultCode: MISUSED_AUTH_CODE,
      cause: 'notification',
      at,
    });
    if (!row) return null;
    await recordAudit(tx, null, { action: 'agreement.auth_code_misused', objectType: 'agreement', objectId: row.id, at, before: { status: 'ACTIVE' }, after: { status: 'INVALID', rightfulAgreementId: input.rightfulAgreementId } });
    return row;
  });
  if (!invalidated) return null;
  if (invalidated.accessTokenCiphertext && invalidated.tokenKeyVersion !== null) {
    const accessToken = deps.vault.open(invalidated.accessTokenCiphertext, agreementTokenAad(invalidated.id, 'access_token', invalidated.tokenKeyVersion));
    const revoked = await classifyCall(deps.alipay.revoke({ accessToken }, { subject: `agreement:${invalidated.id}` }));
    await recordAgreementEvent(deps.db, invalidated.id, 'revoke', { by: 'system', outcome: revoked.kind, resultCode: revoked.resultCode });
  }
  return invalidated.id;
}
