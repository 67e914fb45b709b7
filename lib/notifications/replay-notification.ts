import { eq } from 'drizzle-orm';
import { parseNotification } from '@/lib/alipay';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { inboxEvents, notificationDeliveries } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { applyVerifiedNotification, notificationTypeOf } from './apply-verified-notification';
import type { NotificationDeps } from './notification-deps';
import { APPLY_AUTH_CODE_JOB, type NotificationEffect } from './notification-effect';
import { inboxBodyAad } from './receive-notification';
import { isUuid } from '@/lib/db/is-uuid';

/**
 * Replay: re-runs a stored, verified notification through the same operation the route used, in one
 * transaction with its own delivery row and an audit entry. Idempotent by construction: every operation is
 * a guarded forward-only transition, so a replay of something already applied reports `duplicate` and
 * changes nothing. Unverified deliveries are never replayed (there is nothing trustworthy to run).
 */
export async function replayNotification(
  deps: Pick<NotificationDeps, 'db' | 'vault' | 'enqueue' | 'now'>,
  actor: Actor,
  input: { deliveryId: string },
): Promise<ServiceResult<{ outcome: NotificationEffect['outcome']; detail: string | null }, 'not_found' | 'not_replayable'>> {
  assertCan(actor, 'notifications.replay');
  if (!isUuid(input.deliveryId)) return fail('not_found', 'No such delivery.');
  const [delivery] = await deps.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, input.deliveryId));
  if (!delivery) return fail('not_found', 'No such delivery.');
  if (!delivery.inboxEventId) return fail('not_replayable', 'Only deliveries whose signature verified and that were stored can be replayed.');
  const [inbox] = await deps.db.select().from(inboxEvents).where(eq(inboxEvents.id, delivery.inboxEventId));
  if (!inbox) return fail('not_replayable', 'The stored notification is gone.');
  const rawBody = deps.vault.open(inbox.rawBodyCiphertext, inboxBodyAad(inbox.id));
  const notification = parseNotification(rawBody);
  const started = performance.now();
  const effect = await deps.db.transaction(async (tx) => {
    const at = deps.now?.() ?? new Date();
    const result = await applyVerifiedNotification(tx, deps.vault, notification, at);
    await tx.insert(notificationDeliveries).values({
      inboxEventId: inbox.id,
      channel: inbox.channel,
      path: delivery.path,
      notifyType: notificationTypeOf(notification),
      objectRef: result.objectRef,
      signatureVerdict: 'valid',
      keyVersion: delivery.keyVersion,
      clientId: delivery.clientId,
      requestTime: delivery.requestTime,
      dedupeVerdict: 'replay',
      outcome: result.outcome,
      httpStatus: 200,
      headers: {},
      maskedBody: inbox.maskedBody,
      bodyBytes: delivery.bodyBytes,
      latencyMs: Math.round(performance.now() - started),
      replayedBy: actor.userId,
      receivedAt: at,
    });
    await recordAudit(tx, actor, { action: 'notification.replay', objectType: 'inbox_event', objectId: inbox.id, at, after: { outcome: result.outcome, type: inbox.notifyType } });
    return result;
  });
  // The follow-up (applyToken) is itself idempotent; re-enqueue only while it is still pending.
  if (effect.followUp && inbox.workStatus === 'pending') {
    await deps.enqueue(APPLY_AUTH_CODE_JOB, { inboxEventId: inbox.id }, { singletonKey: `inbox:${inbox.id}` }).catch(() => {});
  }
  return ok({ outcome: effect.outcome, detail: effect.detail ?? null });
}
