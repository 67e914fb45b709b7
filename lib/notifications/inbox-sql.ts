import { sql, type SQL } from 'drizzle-orm';
import { jsonText } from '@/lib/db/json-text';
import type { notificationDeliveries } from '@/lib/db/schema';

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

export const INBOX_COLUMNS = sql.raw('(id, dedupe_key, channel, notify_type, raw_body_ciphertext, body_sha256, masked_body, received_at, object_type, object_ref, outcome, outcome_detail, processed_at)');

/** The inbox row's values in INBOX_COLUMNS order, comma-separated (for VALUES (…) or SELECT …). */
export function inboxTuple(row: InboxRow, outcome: { objectType: string | null; objectRef: string | null; outcome: string; detail: string | null; processed: boolean }): SQL {
  const at = row.receivedAt.toISOString();
  return sql`${row.id}::uuid, ${row.dedupeKey}, ${row.channel}, ${row.notifyType}, ${row.rawBodyCiphertext}, ${row.bodySha256}, ${row.maskedBody}, ${at}::timestamptz,
    ${outcome.objectType}::text, ${outcome.objectRef}::text, ${outcome.outcome}, ${outcome.detail}::text, ${outcome.processed ? at : null}::timestamptz`;
}

export const DELIVERY_COLUMNS = sql.raw(
  '(inbox_event_id, channel, path, request_path, notify_type, object_ref, signature_verdict, key_version, client_id, request_time, dedupe_verdict, outcome, http_status, headers, masked_body, body_bytes, latency_ms, source_ip)',
);

/** The delivery row's values in DELIVERY_COLUMNS order, comma-separated; `inboxEventId` is an SQL expression. */
export function deliveryTuple(inboxEventId: SQL, d: DeliveryRow): SQL {
  return sql`${inboxEventId}, ${d.channel}, ${d.path}, ${d.requestPath}, ${d.notifyType}, ${d.objectRef}, ${d.signatureVerdict}, ${d.keyVersion}, ${d.clientId},
    ${d.requestTime}, ${d.dedupeVerdict}, ${d.outcome}, ${d.httpStatus}, ${jsonText(d.headers)}::jsonb, ${d.maskedBody}, ${d.bodyBytes}, ${d.latencyMs}, ${d.sourceIp}::text`;
}
