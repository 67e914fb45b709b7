import { and, eq } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { RETRY_REVOKE_JOB } from './retry-agreement-revoke';

/** Result codes meaning the token is already dead at Antom: the agreement is over either way. */
const DEAD_TOKEN_CODES = new Set(['INVALID_ACCESS_TOKEN', 'ACCESS_TOKEN_EXPIRED', 'AUTH_CANCELED', 'USER_NOT_EXIST']);

export type RevokeAgreementCode = 'not_found' | 'not_active' | 'revoke_failed' | 'revoke_unavailable';

/**
 * Ends an agreement from the merchant side: revoke at Antom, then REVOKED. Idempotent (an already revoked
 * agreement is a success). Buyers may revoke only their own customer's agreements (`customerId`); staff
 * need the `payments.cancel` permission and are audited.
 */
export async function revokeAgreement(
  deps: AgreementDeps,
  input: { agreementId: string; by: { kind: 'buyer'; customerId: string } | { kind: 'staff'; actor: Actor } },
): Promise<ServiceResult<{ status: 'REVOKED' | 'INVALID' }, RevokeAgreementCode>> {
  if (input.by.kind === 'staff') assertCan(input.by.actor, 'payments.cancel');
  const [agreement] = await deps.db.select().from(agreements).where(eq(agreements.id, input.agreementId));
  if (!agreement || (input.by.kind === 'buyer' && agreement.customerId !== input.by.customerId)) return fail('not_found', 'No such authorization.');
  if (agreement.status === 'REVOKED' || agreement.status === 'INVALID') return ok({ status: agreement.status });
  if (agreement.status !== 'ACTIVE' || !agreement.accessTokenCiphertext || agreement.tokenKeyVersion === null) {
    return fail('not_active', 'This authorization is not active.');
  }
  const accessToken = deps.vault.open(agreement.accessTokenCiphertext, agreementTokenAad(agreement.id, 'access_token', agreement.tokenKeyVersion));
  const call = await classifyCall(deps.alipay.revoke({ accessToken }, { subject: `agreement:${agreement.id}` }));
  const resultCode = call.resultCode;
  const revokedBy = input.by.kind === 'buyer' ? 'buyer' : `staff:${input.by.actor.email}`;
  await recordAgreementEvent(deps.db, agreement.id, 'revoke', { by: input.by.kind, outcome: call.kind, resultCode });
  const status = call.kind === 'succeeded' ? 'REVOKED' : call.kind === 'failed' && DEAD_TOKEN_CODES.has(resultCode) ? 'INVALID' : null;
  if (!status && call.kind === 'unknown' && deps.enqueue) {
    // U / no answer: the revoke may or may not have happened. Resend it in the background until Antom answers.
    await deps.enqueue(RETRY_REVOKE_JOB, { agreementId: agreement.id, revokedBy }, { singletonKey: `revoke:${agreement.id}`, startAfterSeconds: 30 });
    return fail('revoke_unavailable', 'The wallet did not answer yet. We keep trying in the background; the authorization shows Revoked once the wallet confirms.');
  }
  if (!status) {
    return fail(call.kind === 'failed' ? 'revoke_failed' : 'revoke_unavailable', call.kind === 'failed' ? call.reason : 'The wallet could not be reached. Try again in a moment.');
  }
  const now = nowOf(deps);
  await deps.db.transaction(async (tx) => {
    await tx
      .update(agreements)
      .set({ status, revokedAt: now, revokedBy, updatedAt: now })
      .where(and(eq(agreements.id, agreement.id), eq(agreements.status, 'ACTIVE')));
    if (input.by.kind === 'staff') {
      await recordAudit(tx, input.by.actor, { action: 'agreement.revoke', objectType: 'agreement', objectId: agreement.id, before: { status: 'ACTIVE' }, after: { status } });
    }
  });
  return ok({ status });
}
