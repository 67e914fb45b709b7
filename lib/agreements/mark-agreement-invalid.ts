import { agreements, type Agreement } from '@/lib/db/schema';
import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { recordAgreementEvent } from './agreement-deps';

/**
 * Antom refused the agreement's token (INVALID_ACCESS_TOKEN or a code with the same "re-authorize" action):
 * ACTIVE → INVALID with the reason in words, so every later charge is refused locally without a call.
 * Returns the row only when this call made the change (a second refusal is a no-op).
 */
export async function markAgreementInvalid(tx: Db, agreementId: string, reason: { code: string; message: string }): Promise<Agreement | null> {
  const row = await guardedTransition(tx, agreements, {
    id: agreementId,
    from: ['ACTIVE'],
    to: 'INVALID',
    set: { failureCode: reason.code, failureMessage: reason.message, updatedAt: new Date() },
  });
  if (row) await recordAgreementEvent(tx, agreementId, 'invalidated', { resultCode: reason.code });
  return row;
}
