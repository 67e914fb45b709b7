import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { and, desc, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Db } from '@/lib/db/client';
import { reportFiles, reportRows } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { rowsOf } from '@/lib/db/rows-of';
import { parseReportRecords, parseReportStream, type ParsedReport, type ParsedReportRow } from './parse-report-stream';
import { isReportRejected, ReportRejected } from './report-error';
import { readNameHint, type ReportKind } from './report-format';
import { isXlsx, xlsxSource } from './xlsx-source';

export interface ImportReportInput {
  /** The bytes to load (a drop-folder file, an SFTP download, or an upload spooled to disk). */
  filePath: string;
  /** The name Antom gave it: a hint for its day and batch (the header decides the kind). */
  fileName: string;
  source: 'drop_folder' | 'upload' | 'sftp';
  uploadedBy?: string | null;
  /** The merchant ID Antom assigned (ANTOM_MERCHANT_ID); every row's customerId must be it. */
  merchantId: string | undefined;
  /** The SFTP folder day (the transaction or settlement date), if the file came from one. */
  folderDay?: string | null;
  /** SFTP: where the file lives on the server and its modification time (seconds). */
  remotePath?: string | null;
  remoteMtime?: number | null;
  /** PostgreSQL only: load rows with COPY FROM STDIN over a connection of its own (fast path). */
  copyUrl?: string;
  onProgress?: (bytes: number) => void;
}

export interface ImportedReport {
  fileId: string;
  status: 'loaded' | 'duplicate';
  kind: ReportKind;
  reportDate: string;
  settlementBatchId: string | null;
  rowCount: number;
  typeCounts: Record<string, number>;
  /** Set when this file replaced an earlier version of the same remote path. */
  changes: FileChanges | null;
}

export interface FileChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

const COPY_COLUMNS = [
  'file_id',
  'line_no',
  'settlement_batch_id',
  'summary_type',
  'transaction_id',
  'original_transaction_id',
  'transaction_request_id',
  'original_transaction_request_id',
  'transaction_type',
  'transaction_status',
  'payment_method_type',
  'transaction_time',
  'amount_minor',
  'currency',
  'fee_minor',
  'fee_currency',
  'gross_settlement_minor',
  'net_settlement_minor',
  'settlement_currency',
  'transaction_count',
  'quote_currency_pair',
  'quote_price',
  'quote_expected_minor',
  'note',
] as const;

type Parser = (onBatch: (rows: ParsedReportRow[]) => Promise<void>, batchSize: number) => Promise<ParsedReport>;

/**
 * Loads one report file, all or nothing, and exactly once: a LOADED file's SHA-256 is unique, so the same
 * bytes again answer `duplicate` and change nothing. A refused file keeps none of its rows and is recorded
 * as REJECTED with the reason and line; it is not a duplicate, so the same bytes can be sent again once
 * the cause is fixed. The file's kind comes from its header (CSV, or XLSX by its content). Rows stream in
 * batches (multi-row INSERTs, or COPY on PostgreSQL): memory does not grow with the file.
 */
export async function importReportFile(db: Db, input: ImportReportInput): Promise<ServiceResult<ImportedReport>> {
  const sha256 = await hashFile(input.filePath);
  const [known] = await db.select().from(reportFiles).where(and(eq(reportFiles.sha256, sha256), eq(reportFiles.status, 'LOADED')));
  if (known) return answerForKnown(known);

  const fileId = randomUUID();
  const byteCount = BigInt((await stat(input.filePath)).size);
  const previous = input.remotePath
    ? (
        await db
          .select({ id: reportFiles.id })
          .from(reportFiles)
          .where(and(eq(reportFiles.remotePath, input.remotePath), eq(reportFiles.status, 'LOADED')))
          .orderBy(desc(reportFiles.createdAt))
          .limit(1)
      )[0]
    : undefined;
  const fileRow = {
    id: fileId,
    sha256,
    fileName: input.fileName.slice(0, 255),
    status: 'LOADED' as const,
    clientId: input.merchantId ?? null,
    byteCount,
    source: input.source,
    uploadedBy: input.uploadedBy ?? null,
    remotePath: input.remotePath ?? null,
    remoteMtime: input.remoteMtime ?? null,
    previousFileId: previous?.id ?? null,
  };
  const parseOptions = { merchantId: input.merchantId, fileName: input.fileName, folderDay: input.folderDay ?? null, onProgress: input.onProgress };
  const xlsx = await isXlsx(input.filePath);
  const parser: Parser = (onBatch, batchSize) =>
    xlsx
      ? parseReportRecords(xlsxSource(input.filePath, input.onProgress), { ...parseOptions, onBatch, batchSize })
      : parseReportStream(createReadStream(input.filePath), { ...parseOptions, onBatch, batchSize });

  try {
    let parsed: ParsedReport | null;
    if (input.copyUrl) {
      parsed = await loadWithCopy(input.copyUrl, fileRow, parser);
    } else {
      parsed = await db.transaction(async (tx) => {
        const [created] = await tx.insert(reportFiles).values(fileRow).onConflictDoNothing().returning({ id: reportFiles.id });
        if (!created) return null;
        // 28 columns × 1000 rows stays under PostgreSQL's 65 535 parameters
        const result = await parser(async (rows) => {
          await tx.insert(reportRows).values(rows.map((r) => ({ ...r, fileId })));
        }, 1_000);
        await tx.update(reportFiles).set(describe(result)).where(eq(reportFiles.id, fileId));
        return result;
      });
    }
    if (parsed === null) {
      // Another import of the same bytes won the race.
      const [winner] = await db.select().from(reportFiles).where(and(eq(reportFiles.sha256, sha256), eq(reportFiles.status, 'LOADED')));
      return winner ? answerForKnown(winner) : fail('import_conflict', 'The same file is being imported right now; try again in a moment.');
    }
    // Fresh statistics, or the matcher's planner takes a million new rows for a handful (nested loops).
    await db.execute(sql`analyze report_rows`);
    const changes = previous ? await diffFiles(db, previous.id, fileId) : null;
    if (changes) await db.update(reportFiles).set({ changes }).where(eq(reportFiles.id, fileId));
    return ok({
      fileId,
      status: 'loaded',
      kind: parsed.kind,
      reportDate: parsed.reportDate,
      settlementBatchId: parsed.settlementBatchId,
      rowCount: parsed.rowCount,
      typeCounts: parsed.typeCounts,
      changes,
    });
  } catch (error) {
    if (isReportRejected(error)) return reject(db, input, sha256, error);
    if (isCsvError(error)) return reject(db, input, sha256, new ReportRejected('bad_row', `The CSV cannot be read: ${error.message.slice(0, 200)}. Nothing was loaded.`));
    throw error;
  }
}

function describe(parsed: ParsedReport) {
  return {
    kind: parsed.kind,
    variant: parsed.variant,
    reportDate: parsed.reportDate,
    settlementBatchId: parsed.settlementBatchId,
    rowCount: parsed.rowCount,
    typeCounts: parsed.typeCounts,
    ignoredColumns: parsed.ignoredColumns,
  };
}

/**
 * A file that changed on the server after import is loaded as a new file; this lists what differs from
 * the previous version, keyed by type and transaction (request) id: rows added, removed, or changed in
 * amount, status or fees.
 */
async function diffFiles(db: Db, oldId: string, newId: string): Promise<FileChanges> {
  const result = await db.execute(sql`
    with a as (
      select coalesce(summary_type, transaction_type) || ':' || coalesce(transaction_request_id, transaction_id, settlement_currency, line_no::text) as k,
             concat_ws('|', amount_minor, currency, transaction_status, fee_minor, net_settlement_minor, transaction_count) as v
      from report_rows where file_id = ${oldId}
    ), b as (
      select coalesce(summary_type, transaction_type) || ':' || coalesce(transaction_request_id, transaction_id, settlement_currency, line_no::text) as k,
             concat_ws('|', amount_minor, currency, transaction_status, fee_minor, net_settlement_minor, transaction_count) as v
      from report_rows where file_id = ${newId}
    )
    select case when a.k is null then 'added' when b.k is null then 'removed' else 'changed' end as change, coalesce(a.k, b.k) as k
    from a full join b on a.k = b.k
    where a.k is null or b.k is null or a.v <> b.v
    order by 2
    limit 600`);
  const changes: FileChanges = { added: [], removed: [], changed: [] };
  for (const r of rowsOf<{ change: keyof FileChanges; k: string }>(result)) {
    if (changes[r.change].length < 200) changes[r.change].push(r.k);
  }
  return changes;
}

function answerForKnown(known: typeof reportFiles.$inferSelect): ServiceResult<ImportedReport> {
  return ok({
    fileId: known.id,
    status: 'duplicate',
    kind: known.kind!,
    reportDate: known.reportDate!,
    settlementBatchId: known.settlementBatchId,
    rowCount: known.rowCount,
    typeCounts: known.typeCounts ?? {},
    changes: known.changes ?? null,
  });
}

async function reject(db: Db, input: ImportReportInput, sha256: string, error: ReportRejected): Promise<ServiceResult<never>> {
  await db.insert(reportFiles).values({
    sha256,
    fileName: input.fileName.slice(0, 255),
    status: 'REJECTED',
    error: error.message,
    errorLine: error.line,
    clientId: input.merchantId ?? null,
    reportDate: input.folderDay ?? readNameHint(input.fileName).reportDate,
    source: input.source,
    uploadedBy: input.uploadedBy ?? null,
    remotePath: input.remotePath ?? null,
    remoteMtime: input.remoteMtime ?? null,
  });
  return fail(error.code, error.message);
}

function isCsvError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && String((error as unknown as { code: string }).code).startsWith('CSV_');
}

async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** COPY text format: backslash escapes for the few bytes that are special; \N is NULL. */
function copyField(value: string | number | bigint | null): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return COPY_SPECIAL.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}
const COPY_SPECIAL = /[\\\t\n\r]/;

function copyLine(fileId: string, r: ParsedReportRow): string {
  return (
    [
      fileId,
      r.lineNo,
      r.settlementBatchId,
      r.summaryType,
      r.transactionId,
      r.originalTransactionId,
      r.transactionRequestId,
      r.originalTransactionRequestId,
      r.transactionType,
      r.transactionStatus,
      r.paymentMethodType,
      r.transactionTime,
      r.amountMinor,
      r.currency,
      r.feeMinor,
      r.feeCurrency,
      r.grossSettlementMinor,
      r.netSettlementMinor,
      r.settlementCurrency,
      r.transactionCount,
      r.quoteCurrencyPair,
      r.quotePrice,
      r.quoteExpectedMinor,
      r.note,
    ]
      .map(copyField)
      .join('\t') + '\n'
  );
}

/**
 * PostgreSQL fast path: one transaction on a connection of its own — the file row, then COPY FROM STDIN
 * fed batch by batch with back-pressure. Any refusal destroys the COPY, so the transaction keeps nothing.
 */
async function loadWithCopy(
  url: string,
  fileRow: { id: string; sha256: string; fileName: string; clientId: string | null; byteCount: bigint; source: string; uploadedBy: string | null; remotePath: string | null; remoteMtime: number | null; previousFileId: string | null },
  run: Parser,
): Promise<ParsedReport | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const created = await tx.unsafe(
        `insert into report_files (id, sha256, file_name, status, client_id, byte_count, source, uploaded_by, remote_path, remote_mtime, previous_file_id)
         values ($1, $2, $3, 'LOADED', $4, $5, $6, $7, $8, $9, $10) on conflict do nothing returning id`,
        [fileRow.id, fileRow.sha256, fileRow.fileName, fileRow.clientId, fileRow.byteCount.toString(), fileRow.source, fileRow.uploadedBy, fileRow.remotePath, fileRow.remoteMtime, fileRow.previousFileId],
      );
      if (created.length === 0) return null;
      const writable = await tx.unsafe(`copy report_rows (${COPY_COLUMNS.join(', ')}) from stdin`).writable();
      const finished = new Promise<void>((resolve, reject) => {
        writable.on('finish', resolve);
        writable.on('error', reject);
      });
      let parsed: ParsedReport;
      try {
        parsed = await run(async (rows) => {
          let chunk = '';
          for (const r of rows) chunk += copyLine(fileRow.id, r);
          if (!writable.write(chunk)) await new Promise<void>((resolve) => writable.once('drain', resolve));
        }, 2_000);
      } catch (error) {
        writable.destroy(error as Error);
        await finished.catch(() => undefined);
        throw error;
      }
      writable.end();
      await finished;
      const d = describe(parsed);
      await tx.unsafe(
        'update report_files set kind = $1, variant = $2, report_date = $3, settlement_batch_id = $4, row_count = $5, type_counts = $6, ignored_columns = $7 where id = $8',
        [d.kind, d.variant, d.reportDate, d.settlementBatchId, d.rowCount, JSON.stringify(d.typeCounts), JSON.stringify(d.ignoredColumns), fileRow.id],
      );
      return parsed;
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
