import { guardedTransition } from '@/lib/db/guarded-transition';
import { agreements } from '@/lib/db/schema';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { findAgreementByAccessToken } from './find-agreement-by-access-token';
import { pauseSchedulesForAgreement } from '@/lib/schedules/manage-schedule';

/**
 * Domain operation for a verified TOKEN_CANCELED notification (revoked in the wallet app or by the
 * merchant): the agreement holding that token — now, or before a refresh — becomes REVOKED. Found through
 * the token's blind index (current token or the history of superseded ones).
 * Idempotent; an unknown token is reported, not an error.
 */
export async function applyTokenCanceled(
  deps: Pick<AgreementDeps, 'db' | 'vault' | 'now'>,
  notification: { accessToken: string; reason?: string | null },
): Promise<{ applied: boolean; agreementId: string | null }> {
  const agreement = await findAgreementByAccessToken(deps.db, deps.vault, notification.accessToken);
  if (!agreement) return { applied: false, agreementId: null };
  const now = nowOf(deps);
  const updated = await deps.db.transaction(async (tx) => {
    const row = await guardedTransition(tx, agreements, { id: agreement.id, from: ['ACTIVE'], to: 'REVOKED', set: { revokedAt: now, revokedBy: 'wallet', updatedAt: now } });
    if (row) await pauseSchedulesForAgreement(tx, agreement.id, 'Paused: the buyer revoked the agreement in the wallet.', now);
    return row;
  });
  await recordAgreementEvent(deps.db, agreement.id, 'notification', { type: 'TOKEN_CANCELED', reason: notification.reason ?? null, applied: Boolean(updated), ...(agreement.current ? {} : { earlierToken: true }) });
  return { applied: Boolean(updated), agreementId: agreement.id };
}
