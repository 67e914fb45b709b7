import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agreements } from './agreements';
import { customers } from './customers';
import { staffUsers } from './staff';

/**
 * REQUIRES_CONFIRMATION: created for the buyer's one-click confirm page; nothing sent yet.
 * CREATED: row written (paymentRequestId, exact body hash) and committed; pay not answered yet.
 * PROCESSING: Antom answered U/PAYMENT_IN_PROCESS (paymentId known); the resolver follows it.
 * UNKNOWN: no trustworthy answer (timeout, network, 5xx, U other, unverifiable); the resolver owns it.
 * SUCCEEDED / FAILED / CANCELLED are final and sticky. A new paymentRequestId only after FAILED or CANCELLED.
 */
export const paymentStatus = pgEnum('payment_status', ['REQUIRES_CONFIRMATION', 'CREATED', 'PROCESSING', 'UNKNOWN', 'SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Who asked for the debit. */
export const paymentInitiator = pgEnum('payment_initiator', ['staff', 'buyer', 'api', 'schedule']);

/**
 * How an intent may try again after an attempt ends without money moving. 'none': one attempt only.
 * 'soft_declines': a new attempt (new paymentRequestId) after a soft decline (balance, risk hold, expiry without a
 * debit), up to `maxAttempts`; a hard decline (token invalid, account closed, configuration) ends the intent.
 */
export const intentRetryPolicy = pgEnum('intent_retry_policy', ['none', 'soft_declines']);

/**
 * A charge intent: the merchant's wish to collect one amount for one reason (a bill, an order, a schedule
 * period), keyed by `businessKey` (the order reference; unique per merchant). Its attempts are `payments` rows.
 * The database, not the forms, keeps one debit per intent (see payments' partial unique indexes and the
 * payments_attempt_guard trigger in drizzle/0012_charge_intents.sql). Its status is derived from its attempts
 * (lib/intents/intent-status.ts), never stored.
 */
export const chargeIntents = pgTable(
  'charge_intents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The merchant's order reference (Antom's referenceOrderId of every attempt); unique. */
    businessKey: text('business_key').notNull().unique(),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    description: text('description').notNull(),
    /** Who asked: staff, buyer (a confirm link), api, schedule. */
    source: paymentInitiator('source').notNull(),
    retryPolicy: intentRetryPolicy('retry_policy').notNull().default('soft_declines'),
    maxAttempts: integer('max_attempts').notNull().default(3),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('charge_intents_amount_positive', sql`${t.amountMinor} > 0`),
    check('charge_intents_max_attempts', sql`${t.maxAttempts} between 1 and 20`),
    index('charge_intents_agreement_idx').on(t.agreementId, t.createdAt),
  ],
);

/**
 * One attempt (one pay, one paymentRequestId) of a charge intent. Amounts are bigint minor units of `currency` (lib/money). Refund
 * reservations live on the row (`refundedMinor + refundPendingMinor ≤ amountMinor`, enforced by CHECK),
 * so one guarded UPDATE decides a refund race.
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The intent this attempt belongs to. */
    intentId: uuid('intent_id')
      .notNull()
      .references(() => chargeIntents.id),
    /** 1 for the first attempt of the intent, then 2, 3 … */
    attemptNumber: integer('attempt_number').notNull().default(1),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    paymentMethod: text('payment_method').notNull(),
    /** Our idempotency key at Antom; fresh per payment row, never reused after UNKNOWN. */
    paymentRequestId: text('payment_request_id').notNull().unique(),
    /** Antom's id, known after S or U/PAYMENT_IN_PROCESS. */
    paymentId: text('payment_id').unique(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    refundedMinor: bigint('refunded_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    refundPendingMinor: bigint('refund_pending_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    status: paymentStatus('status').notNull(),
    referenceOrderId: text('reference_order_id').notNull(),
    description: text('description').notNull(),
    /** SHA-256 (hex) of the exact pay body; every resend must hash the same (REPEAT_REQ_INCONSISTENT guard). */
    requestBodyHash: text('request_body_hash'),
    /** The exact pay body, sealed with the token vault (it holds the access token), for byte-identical resends. */
    requestBodyCiphertext: text('request_body_ciphertext'),
    /** Antom's paymentExpiryTime for this request: the resolver cancels at this deadline. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    initiator: paymentInitiator('initiator').notNull(),
    initiatedBy: uuid('initiated_by').references(() => staffUsers.id),
    /** Caller-chosen idempotency key (staff form, merchant API): the same key is the same charge. */
    operationKey: text('operation_key').unique(),
    /** Hash of what the operation key was first used with; the same key with other input is refused. */
    operationFingerprint: text('operation_fingerprint'),
    /** HMAC blind index of the buyer confirm token (REQUIRES_CONFIRMATION only). */
    confirmTokenIndex: text('confirm_token_index').unique(),
    confirmExpiresAt: timestamp('confirm_expires_at', { withTimezone: true }),
    resultCode: text('result_code'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    /** Set when something arrived that contradicts a final state (e.g. success after a local cancel). */
    reconciliationFlag: text('reconciliation_flag'),
    /**
     * Set by a cancel before it calls Antom (a guarded UPDATE: SUCCEEDED, nothing refunded or reserved, no other
     * claim). A refund's reservation excludes a claimed payment; a refused cancel releases it.
     */
    cancelClaimedAt: timestamp('cancel_claimed_at', { withTimezone: true }),
    resolverAttempts: integer('resolver_attempts').notNull().default(0),
    succeededAt: timestamp('succeeded_at', { withTimezone: true }),
    /** Antom's paymentTime (from the answer, an inquiry or the notification): reconciliation's day, in GMT+8. */
    paymentTime: timestamp('payment_time', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('payments_refund_bounds', sql`${t.refundedMinor} >= 0 and ${t.refundPendingMinor} >= 0 and ${t.refundedMinor} + ${t.refundPendingMinor} <= ${t.amountMinor}`),
    check('payments_amount_positive', sql`${t.amountMinor} > 0`),
    index('payments_created_idx').on(t.createdAt, t.id),
    index('payments_status_created_idx').on(t.status, t.createdAt, t.id),
    index('payments_agreement_idx').on(t.agreementId, t.createdAt),
    index('payments_customer_idx').on(t.customerId, t.createdAt),
    // Dashboard list filters (lib/payments/list-payments.ts): each leads with an equality filter and ends in the
    // keyset (created_at, id), so a page deep into a filtered list is one index range scan.
    index('payments_status_method_created_idx').on(t.status, t.paymentMethod, t.createdAt, t.id),
    index('payments_method_created_idx').on(t.paymentMethod, t.createdAt, t.id),
    index('payments_currency_created_idx').on(t.currency, t.createdAt, t.id),
    // Search by amount with currency ("125.50 PHP"), newest first.
    index('payments_currency_amount_idx').on(t.currency, t.amountMinor, t.createdAt),
    index('payments_initiated_by_idx').on(t.initiatedBy, t.createdAt).where(sql`${t.initiatedBy} is not null`),
    index('payments_reference_order_idx').on(t.referenceOrderId),
    index('payments_reconciliation_flag_idx').on(t.createdAt).where(sql`${t.reconciliationFlag} is not null`),
    // One debit per intent, by construction: at most one open attempt, at most one succeeded attempt.
    uniqueIndex('payments_intent_attempt_unique').on(t.intentId, t.attemptNumber),
    uniqueIndex('payments_one_open_attempt').on(t.intentId).where(sql`${t.status} in ('REQUIRES_CONFIRMATION', 'CREATED', 'PROCESSING', 'UNKNOWN')`),
    uniqueIndex('payments_one_succeeded_attempt').on(t.intentId).where(sql`${t.status} = 'SUCCEEDED'`),
    // The staff form's "an earlier payment is still unconfirmed" warning, read on every charge.
    index('payments_agreement_open_idx').on(t.agreementId).where(sql`${t.status} in ('CREATED', 'PROCESSING', 'UNKNOWN')`),
  ],
);

/** PENDING: reserved on the payment and (being) sent. UNKNOWN: no final answer yet; the reservation is kept. */
export const refundStatus = pgEnum('refund_status', ['PENDING', 'UNKNOWN', 'SUCCEEDED', 'FAILED']);

/** One refund of a payment (several per payment, partial or full). */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    refundRequestId: text('refund_request_id').notNull().unique(),
    /** Antom's refund id. */
    refundId: text('refund_id').unique(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    status: refundStatus('status').notNull().default('PENDING'),
    reason: text('reason').notNull(),
    requestBodyHash: text('request_body_hash'),
    initiatedBy: uuid('initiated_by').references(() => staffUsers.id),
    operationKey: text('operation_key').unique(),
    operationFingerprint: text('operation_fingerprint'),
    resultCode: text('result_code'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    resolverAttempts: integer('resolver_attempts').notNull().default(0),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    /** Antom's refundTime (from the answer, an inquiry or the notification): reconciliation's day, in GMT+8. */
    refundTime: timestamp('refund_time', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('refunds_amount_positive', sql`${t.amountMinor} > 0`),
    index('refunds_payment_idx').on(t.paymentId, t.createdAt),
    index('refunds_created_idx').on(t.createdAt, t.id),
    index('refunds_status_created_idx').on(t.status, t.createdAt, t.id),
    index('refunds_currency_created_idx').on(t.currency, t.createdAt, t.id),
    index('refunds_initiated_by_idx').on(t.initiatedBy, t.createdAt).where(sql`${t.initiatedBy} is not null`),
  ],
);

/**
 * The payment's timeline: every call and its answer, inquiry, notification, job step and staff action,
 * with its cause. `type` is one of PAYMENT_EVENT_TYPES (lib/payments/payment-events.ts). No secrets in `detail`.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    refundId: uuid('refund_id').references(() => refunds.id),
    type: text('type').notNull(),
    /** What caused it: staff, buyer, api, notification, job, system. */
    cause: text('cause').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('payment_events_payment_idx').on(t.paymentId, t.createdAt)],
);

export type ChargeIntent = typeof chargeIntents.$inferSelect;
export type IntentRetryPolicy = (typeof intentRetryPolicy.enumValues)[number];
export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type PaymentStatus = (typeof paymentStatus.enumValues)[number];
export type Refund = typeof refunds.$inferSelect;
export type RefundStatus = (typeof refundStatus.enumValues)[number];
export type PaymentEvent = typeof paymentEvents.$inferSelect;
