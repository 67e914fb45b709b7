import { listDiscrepancies } from './list-discrepancies';
import type { Db } from '@/lib/db/client';
import { FORMULA_START } from '@/lib/export/export-list-csv';

const COLUMNS = ['reportDate', 'kind', 'status', 'transactionRequestId', 'reportTransactionId', 'settlementBatchId', 'currency', 'reportValue', 'ledgerValue', 'paymentId', 'refundId', 'resolutionNote', 'resolvedAt'] as const;

function field(value: unknown): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  // Quote always; neutralise spreadsheet formulas (a cell starting with = + - @ is executed by Excel).
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** The discrepancies of a day (open and resolved) as CSV for finance. */
export async function exportDiscrepanciesCsv(db: Db, reportDate: string | null): Promise<string> {
  const rows = [...(await listDiscrepancies(db, { reportDate, status: 'OPEN', limit: 1000 })), ...(await listDiscrepancies(db, { reportDate, status: 'RESOLVED', limit: 1000 }))];
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => field((r as unknown as Record<string, unknown>)[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
