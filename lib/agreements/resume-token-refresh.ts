import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { clearTokenRefreshHalt, getTokenRefreshHalt } from './token-refresh-halt';

/**
 * An admin lifts the stop on token refreshes after fixing the merchant-side configuration Antom refused
 * (keys, client id, product). Due refreshes run at the next sweep; a refusal with the same code stops them again.
 */
export async function resumeTokenRefresh(db: Db, actor: Actor): Promise<ServiceResult<{ resumed: boolean }, 'forbidden'>> {
  if (!can(actor.role, 'settings.manage')) return fail('forbidden', 'Only admins can resume token refreshes.');
  return db.transaction(async (tx) => {
    const halt = await getTokenRefreshHalt(tx);
    const resumed = await clearTokenRefreshHalt(tx);
    if (resumed) await recordAudit(tx, actor, { action: 'token_refresh.resumed', objectType: 'merchant_settings', objectId: '1', before: { haltCode: halt?.code ?? null } });
    return ok({ resumed });
  });
}
