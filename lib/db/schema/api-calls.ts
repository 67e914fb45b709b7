import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Every outbound AMS call attempt, redacted by lib/alipay's observer (no tokens, codes or signatures). */
export const apiCalls = pgTable(
  'api_calls',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    endpoint: text('endpoint').notNull(),
    path: text('path').notNull(),
    attempt: integer('attempt').notNull(),
    requestTime: text('request_time').notNull(),
    requestBody: jsonb('request_body'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    outcome: text('outcome'),
    resultStatus: text('result_status'),
    resultCode: text('result_code'),
    signatureVerified: boolean('signature_verified'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    durationMs: integer('duration_ms').notNull(),
    /** The domain object the call was about, e.g. agreement:<uuid>. */
    subject: text('subject'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('api_calls_created_idx').on(t.createdAt), index('api_calls_subject_idx').on(t.subject)],
);

export type ApiCall = typeof apiCalls.$inferSelect;
