import { and, eq, isNull } from 'drizzle-orm';
import { agreements } from '@/lib/db/schema';
import { isUniqueViolation } from '@/lib/db/is-unique-violation';
import { recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { exchangeAuthCode, type ExchangeResult } from './exchange-auth-code';

export type ApplyAuthCodeCreatedResult =
  | { applied: false; reason: 'unknown_state' | 'code_mismatch' | 'code_in_use' }
  | { applied: true; result: ExchangeResult };

/**
 * Domain operation for a verified AUTHCODE_CREATED notification (ams-api.md §3). The caller must have
 * verified Antom's signature: this is the one trustworthy statement of which authCode belongs to which
 * authState, so it is recorded first (`notified_auth_code_index`, an HMAC) and the buyer's return may
 * exchange only that code. Then it completes the agreement, for buyers who never come back from the
 * wallet. Racing the buyer's return yields one applyToken (see exchangeAuthCode). Unknown states and a
 * second, different code for one state are reported, not errors: the caller still acknowledges.
 */
export async function applyAuthCodeCreated(deps: AgreementDeps, notification: { authState: string; authCode: string }): Promise<ApplyAuthCodeCreatedResult> {
  const [agreement] = await deps.db
    .select({ id: agreements.id })
    .from(agreements)
    .where(eq(agreements.authStateIndex, deps.vault.index(notification.authState, 'authState')))
    .limit(1);
  if (!agreement) return { applied: false, reason: 'unknown_state' };
  const codeIndex = deps.vault.index(notification.authCode, 'authCode');
  // First pairing wins and is never overwritten (resends carry the same code).
  await deps.db
    .update(agreements)
    .set({ notifiedAuthCodeIndex: codeIndex })
    .where(and(eq(agreements.id, agreement.id), isNull(agreements.notifiedAuthCodeIndex)));
  const [paired] = await deps.db.select({ notified: agreements.notifiedAuthCodeIndex }).from(agreements).where(eq(agreements.id, agreement.id));
  if (paired?.notified !== codeIndex) {
    await recordAgreementEvent(deps.db, agreement.id, 'notification', { type: 'AUTHCODE_CREATED', reason: 'code_mismatch', applied: false });
    return { applied: false, reason: 'code_mismatch' };
  }
  await recordAgreementEvent(deps.db, agreement.id, 'notification', { type: 'AUTHCODE_CREATED' });
  try {
    return { applied: true, result: await exchangeAuthCode(deps, agreement.id, notification.authCode, 'notification') };
  } catch (error) {
    // Another agreement already holds this code (exchanged from a URL before Antom's pairing arrived).
    if (!isUniqueViolation(error)) throw error;
    await recordAgreementEvent(deps.db, agreement.id, 'notification', { type: 'AUTHCODE_CREATED', reason: 'code_in_use', applied: false });
    return { applied: false, reason: 'code_in_use' };
  }
}
