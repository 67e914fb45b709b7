import { eq } from 'drizzle-orm';
import { agreements } from '@/lib/db/schema';
import { recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { exchangeAuthCode, type ExchangeResult } from './exchange-auth-code';

/**
 * Domain operation for a verified AUTHCODE_CREATED notification (ams-api.md §3): completes the agreement
 * whose authState it carries, for buyers who never come back from the wallet. Antom signed it, so the
 * browser binding and the redirect-leg expiry do not apply. Racing the buyer's return yields one
 * applyToken (see exchangeAuthCode). Unknown states are reported, not errors: the caller still acknowledges.
 */
export async function applyAuthCodeCreated(
  deps: AgreementDeps,
  notification: { authState: string; authCode: string },
): Promise<{ applied: false; reason: 'unknown_state' } | { applied: true; result: ExchangeResult }> {
  const [agreement] = await deps.db
    .select({ id: agreements.id })
    .from(agreements)
    .where(eq(agreements.authStateIndex, deps.vault.index(notification.authState, 'authState')))
    .limit(1);
  if (!agreement) return { applied: false, reason: 'unknown_state' };
  await recordAgreementEvent(deps.db, agreement.id, 'notification', { type: 'AUTHCODE_CREATED' });
  return { applied: true, result: await exchangeAuthCode(deps, agreement.id, notification.authCode, 'notification') };
}
