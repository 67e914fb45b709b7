import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { agreements, type Agreement } from '@/lib/db/schema';
import { recordAgreementEvent, type EventCause } from './agreement-events';
import { pauseSchedulesForAgreement } from '@/lib/schedules/manage-schedule';

/**
 * Ends an ACTIVE agreement whose token Antom no longer accepts (a pay or refresh answering
 * INVALID_ACCESS_TOKEN or an equal code, a wallet that never notifies revocation). Takes the caller's
 * transaction so other domains (payments, the refresher) can end it together with their own change.
 * Guarded: returns null when the agreement was no longer ACTIVE (revoked or invalidated already), and then
 * records nothing. Charges on it are refused locally from then on, with `reason` shown.
 */
export async function markAgreementInvalid(
  tx: Db,
  agreementId: string,
  input: { reason: string; resultCode: string | null; cause: EventCause; at: Date },
): Promise<Agreement | null> {
  const row = await guardedTransition(tx, agreements, {
    id: agreementId,
    from: ['ACTIVE'],
    to: 'INVALID',
    set: { failureCode: input.resultCode, failureMessage: input.reason, revokedAt: input.at, revokedBy: input.cause, updatedAt: input.at },
  });
  if (row) {
    await recordAgreementEvent(tx, agreementId, 'invalidated', { cause: input.cause, reason: input.reason, resultCode: input.resultCode });
    await pauseSchedulesForAgreement(tx, agreementId, `Paused: the agreement became invalid (${input.reason}).`, input.at);
  }
  return row;
}
