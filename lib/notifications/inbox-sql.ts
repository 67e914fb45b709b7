import type { SQL } from 'drizzle-orm';
import { columnTuple } from '@/lib/db/column-tuple';
import { inboxEvents, notificationDeliveries } from '@/lib/db/schema';

/** A verified notification's inbox row as first written (before or with its outcome). */
export interface InboxRow {
  id: string;
  dedupeKey: string;
  channel: string;
  notifyType: string;
  rawBodyCiphertext: string;
  bodySha256: string;
  maskedBody: string;
  receivedAt: Date;
}

/** An accepted delivery's row (every column the notify route sets; the inbox id comes from the statement). */
export type DeliveryRow = Required<
  Pick<
    typeof notificationDeliveries.$inferInsert,
    'channel' | 'path' | 'requestPath' | 'notifyType' | 'objectRef' | 'signatureVerdict' | 'keyVersion' | 'clientId' | 'requestTime' | 'dedupeVerdict' | 'outcome' | 'httpStatus' | 'headers' | 'maskedBody' | 'bodyBytes' | 'latencyMs' | 'sourceIp'
  >
>;

// Hand-written SQL on the hot path (one row, fixed columns): drizzle's builder costs more CPU than the insert.
// Column names, types and encodings come from the table definitions (lib/db/column-tuple.ts).

const INBOX_ROW = columnTuple(inboxEvents, [
  'id',
  'dedupeKey',
  'channel',
  'notifyType',
  'rawBodyCiphertext',
  'bodySha256',
  'maskedBody',
  'receivedAt',
  'objectType',
  'objectRef',
  'outcome',
  'outcomeDetail',
  'processedAt',
]);

export const INBOX_COLUMNS = INBOX_ROW.columns;

/** The inbox row's values in INBOX_COLUMNS order, comma-separated (for VALUES (…) or SELECT …). */
export function inboxTuple(row: InboxRow, outcome: { objectType: string | null; objectRef: string | null; outcome: string; detail: string | null; processed: boolean }): SQL {
  return INBOX_ROW.values({
    ...row,
    objectType: outcome.objectType,
    objectRef: outcome.objectRef,
    outcome: outcome.outcome,
    outcomeDetail: outcome.detail,
    processedAt: outcome.processed ? row.receivedAt : null,
  });
}

const DELIVERY_ROW = columnTuple(notificationDeliveries, [
  'inboxEventId',
  'channel',
  'path',
  'requestPath',
  'notifyType',
  'objectRef',
  'signatureVerdict',
  'keyVersion',
  'clientId',
  'requestTime',
  'dedupeVerdict',
  'outcome',
  'httpStatus',
  'headers',
  'maskedBody',
  'bodyBytes',
  'latencyMs',
  'sourceIp',
]);

export const DELIVERY_COLUMNS = DELIVERY_ROW.columns;

/** The delivery row's values in DELIVERY_COLUMNS order, comma-separated; `inboxEventId` is an SQL expression. */
export function deliveryTuple(inboxEventId: SQL, d: DeliveryRow): SQL {
  return DELIVERY_ROW.values({ ...d, inboxEventId });
}
