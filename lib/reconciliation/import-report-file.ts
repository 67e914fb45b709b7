import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Db } from '@/lib/db/client';
import { reportFiles, reportRows } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { parseReportStream, type ParsedReportRow } from './parse-report-stream';
import { ReportRejected } from './report-error';
import { NAME_HINT, parseReportName, type ReportKind } from './report-format';

export interface ImportReportInput {
  /** The bytes to load (a drop-folder file, or an upload spooled to disk). */
  filePath: string;
  /** The name Antom gave it: carries kind, day and batch. */
  fileName: string;
  source: 'drop_folder' | 'upload';
  uploadedBy?: string | null;
  /** Our Antom client id (ALIPAY_CLIENT_ID). */
  clientId: string;
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
] as const;

/**
 * Loads one report file, all or nothing, and exactly once: the file's SHA-256 is unique, so the same bytes
 * again answer `duplicate` and change nothing. A refused file keeps none of its rows and is recorded as
 * REJECTED with the reason (so the drop-folder sweep does not retry it). Rows stream through csv-parse in
 * batches (multi-row INSERTs, or COPY on PostgreSQL): memory does not grow with the file.
 */
export async function importReportFile(db: Db, input: ImportReportInput): Promise<ServiceResult<ImportedReport>> {
  const sha256 = await hashFile(input.filePath);
  const [known] = await db.select().from(reportFiles).where(eq(reportFiles.sha256, sha256));
  if (known) return answerForKnown(known);

  const name = parseReportName(input.fileName);
  if (!name) return reject(db, input, sha256, new ReportRejected('bad_name', `"${input.fileName.slice(0, 120)}" is not ${NAME_HINT}. Nothing was loaded.`));

  const fileId = randomUUID();
  const byteCount = BigInt((await stat(input.filePath)).size);
  const fileRow = {
    id: fileId,
    sha256,
    fileName: input.fileName,
    kind: name.kind,
    status: 'LOADED' as const,
    clientId: input.clientId,
    reportDate: name.reportDate,
    settlementBatchId: name.settlementBatchId,
    byteCount,
    source: input.source,
    uploadedBy: input.uploadedBy ?? null,
  };
  const parseOptions = { kind: name.kind, clientId: input.clientId, settlementBatchId: name.settlementBatchId, onProgress: input.onProgress };

  try {
    let rowCount: number | null;
    if (input.copyUrl) {
      rowCount = await loadWithCopy(input.copyUrl, fileRow, (onBatch) => parseReportStream(createReadStream(input.filePath), { ...parseOptions, onBatch }));
    } else {
      rowCount = await db.transaction(async (tx) => {
        const [created] = await tx.insert(reportFiles).values(fileRow).onConflictDoNothing({ target: reportFiles.sha256 }).returning({ id: reportFiles.id });
        if (!created) return null;
        const parsed = await parseReportStream(createReadStream(input.filePath), {
          ...parseOptions,
          batchSize: 1_000, // 20 columns × 1000 rows stays under PostgreSQL's 65 535 parameters
          onBatch: async (rows) => {
            await tx.insert(reportRows).values(rows.map((r) => ({ ...r, fileId })));
          },
        });
        await tx.update(reportFiles).set({ rowCount: parsed.rowCount }).where(eq(reportFiles.id, fileId));
        return parsed.rowCount;
      });
    }
    if (rowCount === null) {
      // Another import of the same bytes won the race.
      const [winner] = await db.select().from(reportFiles).where(eq(reportFiles.sha256, sha256));
      return winner ? answerForKnown(winner) : fail('import_conflict', 'The same file is being imported right now; try again in a moment.');
    }
    // Fresh statistics, or the matcher's planner takes a million new rows for a handful (nested loops).
    await db.execute(sql`analyze report_rows`);
    return ok({ fileId, status: 'loaded', kind: name.kind, reportDate: name.reportDate, settlementBatchId: name.settlementBatchId, rowCount });
  } catch (error) {
    if (error instanceof ReportRejected) return reject(db, input, sha256, error, name.kind, name.reportDate);
    if (isCsvError(error)) return reject(db, input, sha256, new ReportRejected('bad_row', `The CSV cannot be read: ${error.message.slice(0, 200)}. Nothing was loaded.`), name.kind, name.reportDate);
    throw error;
  }
}

function answerForKnown(known: typeof reportFiles.$inferSelect): ServiceResult<ImportedReport> {
  if (known.status === 'REJECTED') return fail('rejected', known.error ?? 'This file was refused before.');
  return ok({
    fileId: known.id,
    status: 'duplicate',
    kind: known.kind!,
    reportDate: known.reportDate!,
    settlementBatchId: known.settlementBatchId,
    rowCount: known.rowCount,
  });
}

async function reject(db: Db, input: ImportReportInput, sha256: string, error: ReportRejected, kind?: ReportKind, reportDate?: string): Promise<ServiceResult<never>> {
  await db
    .insert(reportFiles)
    .values({
      sha256,
      fileName: input.fileName.slice(0, 255),
      kind: kind ?? null,
      status: 'REJECTED',
      error: error.message,
      clientId: input.clientId,
      reportDate: reportDate ?? null,
      source: input.source,
      uploadedBy: input.uploadedBy ?? null,
    })
    .onConflictDoNothing({ target: reportFiles.sha256 });
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
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : text;
}

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
  fileRow: { id: string; sha256: string; fileName: string; kind: ReportKind; status: 'LOADED'; clientId: string; reportDate: string; settlementBatchId: string | null; byteCount: bigint; source: string; uploadedBy: string | null },
  run: (onBatch: (rows: ParsedReportRow[]) => Promise<void>) => Promise<{ rowCount: number }>,
): Promise<number | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const created = await tx.unsafe(
        `insert into report_files (id, sha256, file_name, kind, status, client_id, report_date, settlement_batch_id, byte_count, source, uploaded_by)
         values ($1, $2, $3, $4, 'LOADED', $5, $6, $7, $8, $9, $10) on conflict (sha256) do nothing returning id`,
        [fileRow.id, fileRow.sha256, fileRow.fileName, fileRow.kind, fileRow.clientId, fileRow.reportDate, fileRow.settlementBatchId, fileRow.byteCount.toString(), fileRow.source, fileRow.uploadedBy],
      );
      if (created.length === 0) return null;
      const writable = await tx.unsafe(`copy report_rows (${COPY_COLUMNS.join(', ')}) from stdin`).writable();
      const finished = new Promise<void>((resolve, reject) => {
        writable.on('finish', resolve);
        writable.on('error', reject);
      });
      let parsed: { rowCount: number };
      try {
        parsed = await run(async (rows) => {
          let chunk = '';
          for (const r of rows) chunk += copyLine(fileRow.id, r);
          if (!writable.write(chunk)) await new Promise<void>((resolve) => writable.once('drain', resolve));
        });
      } catch (error) {
        writable.destroy(error as Error);
        await finished.catch(() => undefined);
        throw error;
      }
      writable.end();
      await finished;
      await tx.unsafe('update report_files set row_count = $1 where id = $2', [parsed.rowCount, fileRow.id]);
      return parsed.rowCount;
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
