import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { RESEAL_SECRETS_JOB } from '@/lib/crypto/reseal-secrets.job';
import type { Db } from '@/lib/db/client';
import type { Enqueue } from '@/lib/jobs/define-job';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

/** An admin starts the re-seal job now instead of at the next hourly run (one waiting job at a time). */
export async function requestReseal(db: Db, actor: Actor, enqueue: Enqueue): Promise<ServiceResult<{ queued: true }, 'forbidden'>> {
  if (!can(actor.role, 'settings.manage')) return fail('forbidden', 'Only admins can start the re-seal.');
  await enqueue(RESEAL_SECRETS_JOB, {}, { singletonKey: 'reseal' });
  await recordAudit(db, actor, { action: 'token_keys.reseal_requested', objectType: 'merchant_settings', objectId: '1' });
  return ok({ queued: true });
}
