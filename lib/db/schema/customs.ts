import { bigint, boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { payments } from './payments';
import { staffUsers } from './staff';

/**
 * CREATED: row written and committed, declare not answered yet (resend the identical body).
 * UNKNOWN: declare got no trustworthy answer; the poller resends the identical body.
 * WAITING: Antom accepted the request; customs has not answered (the poller inquires).
 * REJECTED: Antom refused the declare call itself (F). SUCCEEDED / FAILED: customs' final answer.
 */
export const customsDeclarationStatus = pgEnum('customs_declaration_status', ['CREATED', 'UNKNOWN', 'WAITING', 'REJECTED', 'SUCCEEDED', 'FAILED']);

/** One customs declaration (ams-api.md §12) of an Alipay CN payment; several when the order is split. */
export const customsDeclarations = pgTable(
  'customs_declarations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    /** Our idempotency key at Antom (≤ 32 chars). */
    declarationRequestId: text('declaration_request_id').notNull().unique(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    customsCode: text('customs_code').notNull(),
    merchantCustomsCode: text('merchant_customs_code').notNull(),
    merchantCustomsName: text('merchant_customs_name').notNull(),
    splitOrder: boolean('split_order').notNull(),
    subOrderId: text('sub_order_id'),
    /** Only whether a buyer identity was sent and its type; the number itself is sealed in the body. */
    buyerCertificateType: text('buyer_certificate_type'),
    requestBodyHash: text('request_body_hash').notNull(),
    /** The exact declare body sealed with the token vault (it may hold the buyer's id number). */
    requestBodyCiphertext: text('request_body_ciphertext').notNull(),
    status: customsDeclarationStatus('status').notNull().default('CREATED'),
    customsPaymentId: text('customs_payment_id'),
    customsOrderId: text('customs_order_id'),
    resultCode: text('result_code'),
    resultMessage: text('result_message'),
    customsResultCode: text('customs_result_code'),
    customsResultDesc: text('customs_result_desc'),
    pollAttempts: integer('poll_attempts').notNull().default(0),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    finalAt: timestamp('final_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('customs_declarations_payment_idx').on(t.paymentId, t.createdAt), index('customs_declarations_status_idx').on(t.status, t.createdAt, t.id)],
);

export type CustomsDeclaration = typeof customsDeclarations.$inferSelect;
export type CustomsDeclarationStatus = (typeof customsDeclarationStatus.enumValues)[number];
