import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { payments, refunds } from './payments';
import { staffUsers } from './staff';

/** The three report files Antom delivers (ams-api.md §13). */
export const reportFileKind = pgEnum('report_file_kind', ['transaction_details', 'settlement_details', 'settlement_summary']);

/**
 * LOADED: every row is in report_rows. REJECTED: refused at intake (reason in `error`), none of its rows
 * kept; recorded so the drop-folder sweep does not re-read the same bytes every run.
 */
export const reportFileStatus = pgEnum('report_file_status', ['LOADED', 'REJECTED']);

/** One report file as received. The SHA-256 of its bytes is unique, so importing it again changes nothing. */
export const reportFiles = pgTable(
  'report_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sha256: text('sha256').notNull().unique(),
    fileName: text('file_name').notNull(),
    kind: reportFileKind('kind'),
    status: reportFileStatus('status').notNull(),
    error: text('error'),
    /** Antom's merchant id (customerId column); always ours for a LOADED file. */
    clientId: text('client_id'),
    /** The GMT+8 business day the file reports (from its name). */
    reportDate: text('report_date'),
    settlementBatchId: text('settlement_batch_id'),
    rowCount: integer('row_count').notNull().default(0),
    byteCount: bigint('byte_count', { mode: 'bigint' }).notNull().default(sql`0`),
    source: text('source').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('report_files_date_idx').on(t.reportDate, t.kind)],
);

/**
 * One data row of a LOADED file, all three kinds in one shape (columns a kind lacks are null). Amounts are
 * minor units as delivered: transaction amounts positive (direction in transactionType), settlement and
 * fee amounts signed (lib/simulator/README.md "Reports").
 */
export const reportRows = pgTable(
  'report_rows',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    fileId: uuid('file_id')
      .notNull()
      .references(() => reportFiles.id),
    lineNo: integer('line_no').notNull(),
    settlementBatchId: text('settlement_batch_id'),
    summaryType: text('summary_type'),
    transactionId: text('transaction_id'),
    originalTransactionId: text('original_transaction_id'),
    transactionRequestId: text('transaction_request_id'),
    originalTransactionRequestId: text('original_transaction_request_id'),
    transactionType: text('transaction_type'),
    transactionStatus: text('transaction_status'),
    paymentMethodType: text('payment_method_type'),
    transactionTime: text('transaction_time'),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }),
    currency: text('currency'),
    feeMinor: bigint('fee_minor', { mode: 'bigint' }),
    feeCurrency: text('fee_currency'),
    grossSettlementMinor: bigint('gross_settlement_minor', { mode: 'bigint' }),
    netSettlementMinor: bigint('net_settlement_minor', { mode: 'bigint' }),
    settlementCurrency: text('settlement_currency'),
    transactionCount: integer('transaction_count'),
  },
  (t) => [index('report_rows_file_idx').on(t.fileId, t.lineNo), index('report_rows_request_idx').on(t.transactionRequestId)],
);

export const DISCREPANCY_KINDS = [
  'missing_in_ledger',
  'missing_in_report',
  'amount_mismatch',
  'currency_mismatch',
  'status_mismatch',
  'refund_not_reflected',
  'cancel_not_reflected',
  'fee_unexpected',
  'settlement_unexpected',
  'batch_total_mismatch',
] as const;
export const discrepancyKind = pgEnum('recon_discrepancy_kind', DISCREPANCY_KINDS);
export const discrepancyStatus = pgEnum('recon_discrepancy_status', ['OPEN', 'RESOLVED']);

/**
 * One difference between Antom's reports and our ledger, linking both sides. Written only by the
 * set-based matcher (lib/reconciliation/match-report-day.ts); `dedupeKey` makes re-matching a day
 * idempotent and keeps a resolved difference resolved.
 */
export const reconDiscrepancies = pgTable(
  'recon_discrepancies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    kind: discrepancyKind('kind').notNull(),
    reportDate: text('report_date').notNull(),
    settlementBatchId: text('settlement_batch_id'),
    reportRowId: bigint('report_row_id', { mode: 'bigint' }).references(() => reportRows.id),
    paymentId: uuid('payment_id').references(() => payments.id),
    refundId: uuid('refund_id').references(() => refunds.id),
    transactionRequestId: text('transaction_request_id'),
    currency: text('currency'),
    /** What the report says and what the ledger says (minor-unit strings, statuses). */
    reportValue: text('report_value'),
    ledgerValue: text('ledger_value'),
    status: discrepancyStatus('status').notNull().default('OPEN'),
    /** The last inquiry's answer (inquiryPayment / inquiryRefund), no secrets. */
    inquiry: jsonb('inquiry').$type<Record<string, unknown>>(),
    resolutionNote: text('resolution_note'),
    resolvedBy: uuid('resolved_by').references(() => staffUsers.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recon_discrepancies_date_idx').on(t.reportDate, t.status), index('recon_discrepancies_status_idx').on(t.status, t.createdAt, t.id)],
);

export type ReportFile = typeof reportFiles.$inferSelect;
export type ReportRow = typeof reportRows.$inferSelect;
export type ReconDiscrepancy = typeof reconDiscrepancies.$inferSelect;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];
