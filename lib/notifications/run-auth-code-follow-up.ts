import { and, eq } from 'drizzle-orm';
import { parseNotification } from '@/lib/alipay';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { applyAuthCodeCreated } from '@/lib/agreements/apply-auth-code-created';
import { inboxEvents } from '@/lib/db/schema';
import { inboxBodyAad } from './receive-notification';

/**
 * The follow-up of a stored AUTHCODE_CREATED: applyToken through applyAuthCodeCreated (its exchangeAuthCode
 * election makes it one call per agreement, whoever else — the buyer's return, a resend — races it), then
 * the inbox row is done. Idempotent: a done row is skipped; a run cut short leaves it pending for a retry.
 */
export async function runAuthCodeFollowUp(deps: AgreementDeps, inboxEventId: string): Promise<'done' | 'skipped' | 'retry'> {
  const [row] = await deps.db.select().from(inboxEvents).where(eq(inboxEvents.id, inboxEventId));
  if (!row || row.workStatus !== 'pending') return 'skipped';
  const n = parseNotification(deps.vault.open(row.rawBodyCiphertext, inboxBodyAad(row.id)));
  if (n.type !== 'AUTHCODE_CREATED' || !n.authState) return finish(deps, row.id, 'unknown_object', 'Not an AUTHCODE_CREATED with an authState.');
  const result = await applyAuthCodeCreated(deps, { authState: n.authState, authCode: n.authCode });
  if (!result.applied) {
    if (result.reason === 'unknown_state') return finish(deps, row.id, 'unknown_object', 'No authorization attempt has this authState.');
    if (result.reason === 'code_mismatch') return finish(deps, row.id, 'flagged', 'Antom paired a different authCode with this authState earlier; this one was refused.');
    return finish(
      deps,
      row.id,
      'flagged',
      result.invalidatedAgreementId
        ? `Agreement ${result.invalidatedAgreementId} had been completed with this authCode, which Antom paired with another session: it was invalidated and its token revoked.`
        : 'Another agreement already holds this authCode.',
    );
  }
  const { kind, agreement } = result.result;
  // Another caller's applyToken still in flight: stay pending, the job retries and then sees its result.
  if (kind === 'in_progress') return 'retry';
  const outcome = kind === 'active' ? 'applied' : kind === 'conflict' ? 'flagged' : 'failed';
  const detail = kind === 'conflict' ? 'The agreement was completed with a different authCode.' : `Agreement is ${agreement.status}${agreement.failureCode ? ` (${agreement.failureCode})` : ''}.`;
  return finish(deps, row.id, outcome, detail);
}

async function finish(deps: AgreementDeps, id: string, outcome: string, detail: string): Promise<'done'> {
  await deps.db
    .update(inboxEvents)
    .set({ workStatus: 'done', outcome, outcomeDetail: detail, processedAt: deps.now?.() ?? new Date() })
    .where(and(eq(inboxEvents.id, id), eq(inboxEvents.workStatus, 'pending')));
  return 'done';
}
