import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The notification inbox: one row per distinct verified Antom notification, keyed by its dedupe key
 * (reliability.md §1.5: `PAYMENT_RESULT:<paymentRequestId>:<resultStatus>`, `REFUND:<refundRequestId>:<status>`,
 * `AUTH:<type>:<blind index of code or token>`). The unique key is what makes N concurrent deliveries one
 * transition. The raw body is kept sealed (it may carry an access token or auth code) so Replay can re-run
 * it byte for byte; `maskedBody` is what people see.
 */
export const inboxEvents = pgTable(
  'inbox_events',
  {
    id: uuid('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    /** payment | refund | authorization: which notify URL it came in on. */
    channel: text('channel').notNull(),
    /** PAYMENT_RESULT, REFUND_RESULT, AUTHCODE_CREATED, TOKEN_CANCELED, … or the unknown type as sent. */
    notifyType: text('notify_type').notNull(),
    /** What it is about: payment, refund, agreement (null when not found or unknown type). */
    objectType: text('object_type'),
    /** paymentRequestId / refundRequestId as sent, or our agreement id. */
    objectRef: text('object_ref'),
    /** applied, duplicate, flagged, unknown_object, queued, stored, not_final, failed. */
    outcome: text('outcome').notNull(),
    outcomeDetail: text('outcome_detail'),
    /** Follow-up work outside the transaction (applyToken after AUTHCODE_CREATED): pending until a job ran it. */
    workStatus: text('work_status'),
    rawBodyCiphertext: text('raw_body_ciphertext').notNull(),
    bodySha256: text('body_sha256').notNull(),
    maskedBody: text('masked_body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    index('inbox_events_received_idx').on(t.receivedAt, t.id),
    index('inbox_events_pending_work_idx').on(t.receivedAt).where(sql`${t.workStatus} = 'pending'`),
  ],
);

/**
 * Every delivery attempt that reached a notify route, verified or not: the developers' view of what Antom
 * (or anyone) sent, with the signature verdict and why it failed, the dedupe verdict, the outcome and the
 * latency. Unverified attempts never reach the inbox and are never parsed.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    inboxEventId: uuid('inbox_event_id').references(() => inboxEvents.id),
    channel: text('channel').notNull(),
    /** The configured public path the signature was checked against. */
    path: text('path').notNull(),
    /** The path the request actually arrived on (after proxies): the debugger compares the two. */
    requestPath: text('request_path'),
    notifyType: text('notify_type'),
    objectRef: text('object_ref'),
    /** valid | invalid | not_checked (body too large). */
    signatureVerdict: text('signature_verdict').notNull(),
    /** AlipaySignatureError code (INVALID_SIGNATURE, CLIENT_ID_MISMATCH, …) and its plain-language message. */
    signatureErrorCode: text('signature_error_code'),
    signatureErrorMessage: text('signature_error_message'),
    keyVersion: text('key_version'),
    clientId: text('client_id'),
    requestTime: text('request_time'),
    /** new | duplicate | replay (null when it never got that far). */
    dedupeVerdict: text('dedupe_verdict'),
    /** applied, duplicate, …, or rejected / invalid_body / too_large / error. */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status').notNull(),
    /** Headers as received, signature value and cookies masked. */
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    /** Body with token-like fields masked (pattern-based: unverified bytes are never parsed). */
    maskedBody: text('masked_body'),
    bodyBytes: integer('body_bytes'),
    /** From the first byte read to just before commit (ms). */
    latencyMs: integer('latency_ms').notNull(),
    /** Staff member who replayed it (Replay deliveries only). */
    replayedBy: uuid('replayed_by'),
    /** The sender's address (lib/auth/client-ip.ts), when known. */
    sourceIp: text('source_ip'),
    /** SHA-256 of the body as received (rejected deliveries keep this instead of the body). */
    bodySha256: text('body_sha256'),
    /**
     * Rejected deliveries (never verified) are aggregated: one row per channel, source address, verdict and
     * 10-minute window (this key), counting repeats, with the first one's hash, size and first bytes. Null
     * for everything that verified, which keeps its full record.
     */
    rejectionKey: text('rejection_key').unique(),
    repeatCount: integer('repeat_count').notNull().default(1),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notification_deliveries_received_idx').on(t.receivedAt, t.id),
    index('notification_deliveries_rejected_expiry_idx').on(t.lastReceivedAt).where(sql`${t.rejectionKey} is not null`),
    index('notification_deliveries_inbox_idx').on(t.inboxEventId),
    index('notification_deliveries_object_idx').on(t.objectRef),
  ],
);

export type InboxEvent = typeof inboxEvents.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
