import { isUniqueViolation } from '@/lib/db/is-unique-violation';
import { recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { exchangeAuthCode, type ExchangeResult } from './exchange-auth-code';
import { invalidateMisusedAuthCode } from './invalidate-misused-auth-code';
import { recordAuthCodePairing } from './record-auth-code-pairing';

export type ApplyAuthCodeCreatedResult =
  | { applied: false; reason: 'unknown_state' }
  | { applied: false; reason: 'code_mismatch' }
  /** Another agreement activated with this code first; it is invalidated (its id), unless it was the rightful one. */
  | { applied: false; reason: 'code_in_use'; invalidatedAgreementId: string | null }
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
  const pairing = await recordAuthCodePairing(deps.db, deps.vault, notification);
  if (pairing.agreementId === null) return { applied: false, reason: 'unknown_state' };
  const agreement = { id: pairing.agreementId };
  if (!pairing.matches) {
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
    // The holder got a code that was never its buyer's: it loses the wallet (invalid + token revoked).
    const invalidated = await invalidateMisusedAuthCode(deps, { authCode: notification.authCode, rightfulAgreementId: agreement.id });
    return { applied: false, reason: 'code_in_use', invalidatedAgreementId: invalidated };
  }
}
