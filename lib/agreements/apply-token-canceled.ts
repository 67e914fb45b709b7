import { eq } from 'drizzle-orm';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { agreements } from '@/lib/db/schema';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';

/**
 * Domain operation for a verified TOKEN_CANCELED notification (revoked in the wallet app or by the
 * merchant): the agreement holding that token becomes REVOKED. Found through the token's blind index.
 * Idempotent; an unknown token is reported, not an error.
 */
export async function applyTokenCanceled(
  deps: Pick<AgreementDeps, 'db' | 'vault' | 'now'>,
  notification: { accessToken: string; reason?: string | null },
): Promise<{ applied: boolean; agreementId: string | null }> {
  const index = deps.vault.index(notification.accessToken, 'accessToken');
  const [agreement] = await deps.db.select({ id: agreements.id }).from(agreements).where(eq(agreements.accessTokenIndex, index));
  if (!agreement) return { applied: false, agreementId: null };
  const now = nowOf(deps);
  const updated = await guardedTransition(deps.db, agreements, { id: agreement.id, from: ['ACTIVE'], to: 'REVOKED', set: { revokedAt: now, revokedBy: 'wallet', updatedAt: now } });
  await recordAgreementEvent(deps.db, agreement.id, 'notification', { type: 'TOKEN_CANCELED', reason: notification.reason ?? null, applied: Boolean(updated) });
  return { applied: Boolean(updated), agreementId: agreement.id };
}
