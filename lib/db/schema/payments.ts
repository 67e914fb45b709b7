import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
 * One debit of one agreement. Amounts are bigint minor units of `currency` (lib/money). Refund
 * reservations live on the row (`refundedMinor + refundPendingMinor ≤ amountMinor`, enforced by CHECK),
 * so one guarded UPDATE decides a refund race.
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
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
    index('payments_initiated_by_idx').on(t.initiatedBy, t.createdAt).where(sql`${t.initiatedBy} is not null`),
    index('payments_reference_order_idx').on(t.referenceOrderId),
    index('payments_reconciliation_flag_idx').on(t.createdAt).where(sql`${t.reconciliationFlag} is not null`),
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

export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type PaymentStatus = (typeof paymentStatus.enumValues)[number];
export type Refund = typeof refunds.$inferSelect;
export type RefundStatus = (typeof refundStatus.enumValues)[number];
export type PaymentEvent = typeof paymentEvents.$inferSelect;
