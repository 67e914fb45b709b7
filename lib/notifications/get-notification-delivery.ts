import { eq } from 'drizzle-orm';
import { inboxEvents, notificationDeliveries, type InboxEvent, type NotificationDelivery } from '@/lib/db/schema';
import { debugSignature, type SignatureDebug } from './debug-signature';
import type { NotificationDeps } from './notification-deps';
import { inboxBodyAad } from './receive-notification';
import { isUuid } from '@/lib/db/is-uuid';

export interface DeliveryDetail {
  delivery: NotificationDelivery;
  inbox: Omit<InboxEvent, 'rawBodyCiphertext'> | null;
  /** Every delivery of the same inbox event (the original, its duplicates, replays). */
  siblings: Pick<NotificationDelivery, 'id' | 'receivedAt' | 'dedupeVerdict' | 'outcome' | 'httpStatus'>[];
  debug: SignatureDebug | null;
}

/**
 * One delivery with its inbox event and the signature debugger. The debugger re-checks against the
 * sealed raw body when we kept it (verified deliveries), otherwise against the masked body, which is the
 * raw body whenever nothing needed masking. The raw body itself never leaves this function.
 */
export async function getNotificationDelivery(deps: Pick<NotificationDeps, 'db' | 'vault' | 'publicKeys' | 'clientId'>, id: string): Promise<DeliveryDetail | null> {
  if (!isUuid(id)) return null;
  const [delivery] = await deps.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id));
  if (!delivery) return null;
  const [inboxRow] = delivery.inboxEventId ? await deps.db.select().from(inboxEvents).where(eq(inboxEvents.id, delivery.inboxEventId)) : [];
  const siblings = delivery.inboxEventId
    ? await deps.db
        .select({ id: notificationDeliveries.id, receivedAt: notificationDeliveries.receivedAt, dedupeVerdict: notificationDeliveries.dedupeVerdict, outcome: notificationDeliveries.outcome, httpStatus: notificationDeliveries.httpStatus })
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.inboxEventId, delivery.inboxEventId))
        .orderBy(notificationDeliveries.receivedAt)
        .limit(100)
    : [];
  let debug: SignatureDebug | null = null;
  if (delivery.dedupeVerdict !== 'replay' && delivery.maskedBody !== null) {
    const raw = inboxRow ? deps.vault.open(inboxRow.rawBodyCiphertext, inboxBodyAad(inboxRow.id)) : null;
    // A rejected delivery keeps only its first bytes: the debugger then checks what it has, said to be partial.
    const cut = delivery.rejectionKey !== null && (delivery.bodyBytes ?? 0) > Buffer.byteLength(delivery.maskedBody);
    const bodyIsRaw = raw !== null || (!cut && !delivery.maskedBody.includes('"[redacted:'));
    const result = debugSignature({
      path: delivery.path,
      requestPath: delivery.requestPath,
      headers: delivery.headers,
      expectedClientId: deps.clientId,
      body: raw ?? delivery.maskedBody,
      bodyIsRaw,
      publicKeys: deps.publicKeys,
    });
    // Shown to people: the string with secret body fields masked.
    debug = { ...result, signedString: raw ? result.signedString.replace(raw, delivery.maskedBody) : result.signedString };
  }
  const inbox = inboxRow ? (({ rawBodyCiphertext: _sealed, ...rest }) => rest)(inboxRow) : null;
  return { delivery, inbox, siblings, debug };
}
