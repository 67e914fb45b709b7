import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { staffUsers } from './staff';

/**
 * Merchant API keys (lib/api/api-keys.ts). Only the SHA-256 of the secret is kept; `prefix` is the first
 * characters of the secret (dk_test_ / dk_live_ and a few more) so staff and a leak scanner recognise it.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** 'test' (simulator gateway) or 'live' (Antom): a key works only in the mode it was made in. */
    mode: text('mode').$type<'test' | 'live'>().notNull(),
    prefix: text('prefix').notNull(),
    /** SHA-256 (hex) of the whole secret; the secret itself is shown once and never stored. */
    secretHash: text('secret_hash').notNull().unique(),
    scope: text('scope').$type<'read_only' | 'read_write'>().notNull(),
    /** Addresses or CIDR ranges the key may be used from; empty = anywhere. */
    allowedIps: jsonb('allowed_ips').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => staffUsers.id),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastUsedIp: text('last_used_ip'),
  },
  (t) => [
    check('api_keys_scope', sql`${t.scope} in ('read_only', 'read_write')`),
    check('api_keys_mode', sql`${t.mode} in ('test', 'live')`),
    index('api_keys_created_idx').on(t.createdAt, t.id),
  ],
);

/**
 * One row per (key, Idempotency-Key) of a merchant-API POST: the request's hash, and once it has finished
 * its status and exact body (replayed byte for byte). `status_code` null = still running (`locked_at`).
 * Kept 24 h (`api-idempotency-prune`).
 */
export const apiIdempotencyKeys = pgTable(
  'api_idempotency_keys',
  {
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 of method, path and the request body. */
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.idempotencyKey] }), index('api_idempotency_keys_created_idx').on(t.createdAt)],
);

/**
 * The per-key request budget, shared by every instance (lib/api/rate-limit.ts): one token bucket row per key,
 * taken from and refilled by a single INSERT … ON CONFLICT DO UPDATE per request.
 */
export const apiRateBuckets = pgTable('api_rate_buckets', {
  apiKeyId: uuid('api_key_id')
    .primaryKey()
    .references(() => apiKeys.id, { onDelete: 'cascade' }),
  /** Tokens left at `updatedAt` (fractional: the refill is continuous). */
  tokens: doublePrecision('tokens').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type ApiKey = typeof apiKeys.$inferSelect;
export type ApiKeyScope = ApiKey['scope'];

/**
 * Outbound webhook endpoints (lib/webhooks). The signing secret is never stored: it is derived from the
 * endpoint id and its `secretGeneration` with the vault's index key (TokenVault.index), shown once when made or
 * rotated. After a rotation the previous generation also signs until `previousSecretUntil` (24 h).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    url: text('url').notNull(),
    /** Event types sent (prefixes such as `charge_attempt.` allowed); empty = every event. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    secretGeneration: integer('secret_generation').notNull().default(1),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** Why it was disabled in words, when the worker did it (failing for WEBHOOK_DISABLE_AFTER_MS); shown as an alert. */
    disabledReason: text('disabled_reason'),
    /** The first failed attempt since the last success (null while healthy). */
    failingSince: timestamp('failing_since', { withTimezone: true }),
  },
  (t) => [index('webhook_endpoints_created_idx').on(t.createdAt, t.id)],
);

/** One event for one endpoint: its exact payload, and the last attempt's answer (the delivery log). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    /** The timeline entry (agreement_events / payment_events id) it reports. */
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The object the event is about (`agreement:<id>`, `charge_attempt:<id>`, `schedule:<id>`): delivered in order per object. */
    objectKey: text('object_key').notNull().default(''),
    /** The event's own time; with event_id it orders an object's deliveries. */
    eventAt: timestamp('event_at', { withTimezone: true }).notNull().defaultNow(),
    /** The event's webhook_outbox id (its commit order): breaks ties of event_at (events of one transaction share its time). */
    outboxSeq: bigint('outbox_seq', { mode: 'number' }).notNull().default(0),
    payload: text('payload').notNull(),
    /** pending (to send or retry), succeeded, failed (retries used up). */
    status: text('status').$type<'pending' | 'succeeded' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastResponse: text('last_response'),
    lastLatencyMs: integer('last_latency_ms'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('webhook_deliveries_status', sql`${t.status} in ('pending', 'succeeded', 'failed')`),
    uniqueIndex('webhook_deliveries_endpoint_event_unique').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_created_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    // "Is an earlier event for this object still pending?" before each attempt.
    index('webhook_deliveries_object_pending_idx').on(t.endpointId, t.objectKey, t.eventAt, t.eventId).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * The webhook outbox: one row per timeline event (agreement_events, payment_events, schedule_events), written by an
 * AFTER INSERT trigger on each timeline table, so in the same statement (and transaction) as the change it reports.
 * The fan-out takes rows with DELETE … FOR UPDATE SKIP LOCKED: a transaction committing late is simply picked up
 * on a later run, nothing is skipped.
 */
export const webhookOutbox = pgTable('webhook_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
