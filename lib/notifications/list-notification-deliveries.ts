import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { inboxEvents, notificationDeliveries } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/is-uuid';

export const SIGNATURE_VERDICTS = ['valid', 'invalid', 'not_checked'] as const;
export type SignatureVerdict = (typeof SIGNATURE_VERDICTS)[number];

export interface DeliveryListItem {
  id: string;
  receivedAt: Date;
  channel: string;
  notifyType: string | null;
  objectRef: string | null;
  objectType: string | null;
  signatureVerdict: string;
  signatureErrorCode: string | null;
  dedupeVerdict: string | null;
  outcome: string;
  httpStatus: number;
  latencyMs: number;
  replayed: boolean;
  /** Refused deliveries are aggregated: how many this row stands for, from where, and the last one's time. */
  repeatCount: number;
  sourceIp: string | null;
  lastReceivedAt: Date | null;
}

export interface ListDeliveriesOptions {
  /** notifyType as sent (PAYMENT_RESULT, TOKEN_CANCELED, …). */
  type?: string | null;
  verdict?: SignatureVerdict | null;
  /** Any id: paymentRequestId / refundRequestId / agreement id, a delivery or inbox id, or an id in the body. */
  id?: string | null;
  after?: string | null;
  limit?: number;
}

/**
 * Every delivery that reached a notify route, newest first, keyset-paginated by (receivedAt, id). Filters
 * compose. Display columns only (never the sealed body). An id search also matches a quoted value inside
 * the masked body, so Antom's paymentId or refundId finds its delivery.
 */
export async function listNotificationDeliveries(db: Db, options: ListDeliveriesOptions = {}): Promise<{ items: DeliveryListItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const conditions: SQL[] = [];
  if (options.type) conditions.push(eq(notificationDeliveries.notifyType, options.type));
  if (options.verdict) conditions.push(eq(notificationDeliveries.signatureVerdict, options.verdict));
  const id = options.id?.trim().slice(0, 200);
  if (id) {
    const byId: SQL[] = [eq(notificationDeliveries.objectRef, id), sql`${notificationDeliveries.maskedBody} like ${`%"${id.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`}`];
    if (isUuid(id)) byId.push(eq(notificationDeliveries.id, id), eq(notificationDeliveries.inboxEventId, id));
    conditions.push(or(...byId)!);
  }
  if (options.after && isUuid(options.after)) {
    conditions.push(sql`(${notificationDeliveries.receivedAt}, ${notificationDeliveries.id}) < (select d.received_at, d.id from notification_deliveries d where d.id = ${options.after})`);
  }
  const rows = await db
    .select({
      id: notificationDeliveries.id,
      receivedAt: notificationDeliveries.receivedAt,
      channel: notificationDeliveries.channel,
      notifyType: notificationDeliveries.notifyType,
      objectRef: notificationDeliveries.objectRef,
      objectType: inboxEvents.objectType,
      signatureVerdict: notificationDeliveries.signatureVerdict,
      signatureErrorCode: notificationDeliveries.signatureErrorCode,
      dedupeVerdict: notificationDeliveries.dedupeVerdict,
      outcome: notificationDeliveries.outcome,
      httpStatus: notificationDeliveries.httpStatus,
      latencyMs: notificationDeliveries.latencyMs,
      replayedBy: notificationDeliveries.replayedBy,
      repeatCount: notificationDeliveries.repeatCount,
      sourceIp: notificationDeliveries.sourceIp,
      lastReceivedAt: notificationDeliveries.lastReceivedAt,
    })
    .from(notificationDeliveries)
    .leftJoin(inboxEvents, eq(inboxEvents.id, notificationDeliveries.inboxEventId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(notificationDeliveries.receivedAt), desc(notificationDeliveries.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(({ replayedBy, ...r }) => ({ ...r, replayed: replayedBy !== null }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** The notification types seen so far, for the type filter. */
export async function listNotificationTypes(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ type: notificationDeliveries.notifyType }).from(notificationDeliveries).where(sql`${notificationDeliveries.notifyType} is not null`).limit(50);
  return rows.map((r) => r.type!).sort();
}
