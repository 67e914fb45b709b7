import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { payments, refunds } from './payments';
import { staffUsers } from './staff';

/** The three report files Antom delivers (ams-api.md §13). */
export const reportFileKind = pgEnum('report_file_kind', ['transaction_details', 'settlement_details', 'settlement_summary']);

/**
 * LOADED: every row is in report_rows. REJECTED: refused at intake (reason in `error`, line in
 * `errorLine`), none of its rows kept; shown on the page. Only LOADED files count as duplicates: the same
 * bytes sent again after a refusal (e.g. once ANTOM_MERCHANT_ID is set) are read again.
 */
export const reportFileStatus = pgEnum('report_file_status', ['LOADED', 'REJECTED']);

/** One report file as received. The SHA-256 of a LOADED file is unique, so importing it again changes nothing. */
export const reportFiles = pgTable(
  'report_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sha256: text('sha256').notNull(),
    fileName: text('file_name').notNull(),
    kind: reportFileKind('kind'),
    status: reportFileStatus('status').notNull(),
    error: text('error'),
    /** Antom's merchant ID (customerId column, ANTOM_MERCHANT_ID); always ours for a LOADED file. */
    clientId: text('client_id'),
    /** The GMT+8 day the file reports: its SFTP folder, else its name, else its first row. */
    reportDate: text('report_date'),
    /** 'current' or 'ams' (the older AMS / Auto Debit header). */
    variant: text('variant'),
    /** Rows per transaction / summary type, including the types Daikou only shows. */
    typeCounts: jsonb('type_counts').$type<Record<string, number>>(),
    /** Header columns Daikou does not read. */
    ignoredColumns: jsonb('ignored_columns').$type<string[]>(),
    /** The line a refusal points at. */
    errorLine: integer('error_line'),
    /** SFTP: the remote path and its size / modification time when fetched. */
    remotePath: text('remote_path'),
    remoteMtime: integer('remote_mtime'),
    /** A file that replaced an earlier version of the same remote path (changed on the server). */
    previousFileId: uuid('previous_file_id'),
    /** What changed against the previous version: rows added, removed, changed (by transaction id). */
    changes: jsonb('changes').$type<{ added: string[]; removed: string[]; changed: string[] }>(),
    settlementBatchId: text('settlement_batch_id'),
    rowCount: integer('row_count').notNull().default(0),
    byteCount: bigint('byte_count', { mode: 'bigint' }).notNull().default(sql`0`),
    source: text('source').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('report_files_date_idx').on(t.reportDate, t.kind),
    uniqueIndex('report_files_loaded_sha256_key').on(t.sha256).where(sql`status = 'LOADED'`),
    index('report_files_sha256_idx').on(t.sha256),
    index('report_files_remote_idx').on(t.remotePath),
  ],
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
    /**
     * The report_files row. No foreign key (migration 0016): a million-row COPY paid a referential check per
     * row. Integrity is the importer's: it writes rows only for the file row it inserted in the same
     * transaction (a refused file keeps none), and report files are never deleted.
     */
    fileId: uuid('file_id').notNull(),
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
    quoteCurrencyPair: text('quote_currency_pair'),
    quotePrice: text('quote_price'),
    /** The transaction amount converted with quotePrice: compared with the converted amount Antom wrote. */
    quoteExpectedMinor: bigint('quote_expected_minor', { mode: 'bigint' }),
    /** Antom's reason column, or the text of an error-correction line. */
    note: text('note'),
  },
  (t) => [
    index('report_rows_file_idx').on(t.fileId, t.lineNo),
    index('report_rows_request_idx').on(t.transactionRequestId),
  ],
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

/**
 * The timeline of reconciliation for the merchant API: one `discrepancy_opened` row per discrepancy (dedupe key),
 * written by an AFTER INSERT trigger on recon_discrepancies (drizzle/0024), so in the statement that opens it;
 * re-matching a day (delete and re-insert of its OPEN rows) opens nothing new. Its own trigger writes the webhook
 * outbox row (`reconciliation.discrepancy_opened`, lib/webhooks/event-source.ts).
 */
export const reconDiscrepancyEvents = pgTable('recon_discrepancy_events', {
  id: uuid('id').primaryKey().defaultRandom(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  /** The discrepancy as first opened (a re-match gives the row a new id; the dedupe key stays). */
  discrepancyId: uuid('discrepancy_id').notNull(),
  type: text('type').notNull().default('discrepancy_opened'),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The SFTP fetcher's progress (one row): the last folder day read completely, when it last fetched, and
 * its failures — retried with back-off, alerted once per outage.
 */
export const reconSftpState = pgTable('recon_sftp_state', {
  id: integer('id').primaryKey().default(1),
  lastDay: text('last_day'),
  lastFetchedAt: timestamp('last_fetched_at', { withTimezone: true }),
  lastError: text('last_error'),
  failures: integer('failures').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  alertedAt: timestamp('alerted_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ReportFile = typeof reportFiles.$inferSelect;
export type ReportRow = typeof reportRows.$inferSelect;
export type ReconDiscrepancy = typeof reconDiscrepancies.$inferSelect;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];
