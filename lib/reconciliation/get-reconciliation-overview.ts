import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { reconSftpState, reportFiles } from '@/lib/db/schema';
import { rowsOf } from '@/lib/db/rows-of';

export interface CurrencyTotals {
  currency: string;
  gross: bigint;
  fees: bigint;
  net: bigint;
}

export interface ReconDay {
  reportDate: string;
  reportRows: number;
  /** Report rows with no difference found (any status). */
  matched: number;
  /** Report rows with a difference, plus ledger entries the report lacks. */
  unmatched: number;
  open: number;
  totals: CurrencyTotals[];
}

export interface ReconBatch {
  reportDate: string;
  settlementBatchId: string;
  currency: string;
  count: number;
  gross: bigint;
  fees: bigint;
  net: bigint;
  /** Whether the details file adds up to the summary (no batch_total_mismatch of the day). */
  balanced: boolean;
}

export interface ReconOverview {
  days: ReconDay[];
  batches: ReconBatch[];
  /** The chosen day's files (any kind, loaded or refused), else the latest 20 received. */
  files: (typeof reportFiles.$inferSelect)[];
  /** The SFTP fetcher's progress, or null before its first run. */
  sftp: typeof reconSftpState.$inferSelect | null;
}

/**
 * The Reconciliation page's numbers: per report day (newest 31) its matched / unmatched counts and gross,
 * fees and net per currency from the transaction details; per settlement batch its summary TOTAL; and
 * the files received (of the chosen day, or the latest), with where they came from, their rows by type and,
 * for refused ones, the reason and line. Aggregates in SQL, never row by row.
 */
export async function getReconciliationOverview(db: Db, day: string | null = null): Promise<ReconOverview> {
  const days = rowsOf<{ report_date: string; rows: string; unmatched_rows: string; ledger_only: string; open: string }>(
    await db.execute(sql`
      with latest as (
        select distinct on (report_date) id, report_date from report_files
        where kind = 'transaction_details' and status = 'LOADED' order by report_date desc, created_at desc
      )
      select l.report_date,
             (select count(*) from report_rows r where r.file_id = l.id) as rows,
             (select count(distinct d.report_row_id) from recon_discrepancies d where d.report_date = l.report_date and d.report_row_id is not null) as unmatched_rows,
             (select count(*) from recon_discrepancies d where d.report_date = l.report_date and d.kind = 'missing_in_report') as ledger_only,
             (select count(*) from recon_discrepancies d where d.report_date = l.report_date and d.status = 'OPEN') as open
      from latest l order by l.report_date desc limit 31`),
  );
  const totals = rowsOf<{ report_date: string; currency: string; gross: string; fees: string; net: string }>(
    await db.execute(sql`
      with latest as (
        select distinct on (report_date) id, report_date from report_files
        where kind = 'transaction_details' and status = 'LOADED' order by report_date desc, created_at desc limit 31
      )
      select l.report_date, coalesce(r.settlement_currency, r.currency) as currency,
             coalesce(sum(r.gross_settlement_minor), 0)::text as gross, coalesce(sum(r.fee_minor), 0)::text as fees,
             coalesce(sum(r.net_settlement_minor), 0)::text as net
      from latest l join report_rows r on r.file_id = l.id group by 1, 2 order by 1 desc, 2`),
  );
  const batches = rowsOf<{ report_date: string; batch: string; currency: string; cnt: number; gross: string; fees: string; net: string; unbalanced: boolean }>(
    await db.execute(sql`
      with latest as (
        select distinct on (settlement_batch_id) id, report_date, settlement_batch_id from report_files
        where kind = 'settlement_summary' and status = 'LOADED' order by settlement_batch_id, created_at desc
      )
      select l.report_date, l.settlement_batch_id as batch, r.settlement_currency as currency, r.transaction_count as cnt,
             (coalesce(r.net_settlement_minor, 0) - coalesce(r.fee_minor, 0))::text as gross, coalesce(r.fee_minor, 0)::text as fees,
             coalesce(r.net_settlement_minor, 0)::text as net,
             exists (select 1 from recon_discrepancies d where d.kind = 'batch_total_mismatch' and d.settlement_batch_id = l.settlement_batch_id and d.currency = r.settlement_currency) as unbalanced
      from latest l join report_rows r on r.file_id = l.id and r.summary_type = 'TOTAL'
      order by l.report_date desc, l.settlement_batch_id limit 100`),
  );
  const files = day
    ? await db.select().from(reportFiles).where(eq(reportFiles.reportDate, day)).orderBy(desc(reportFiles.createdAt)).limit(100)
    : await db.select().from(reportFiles).orderBy(desc(reportFiles.createdAt)).limit(20);
  const [sftp] = await db.select().from(reconSftpState).where(eq(reconSftpState.id, 1));
  return {
    days: days.map((d) => {
      const rows = Number(d.rows);
      const unmatchedRows = Number(d.unmatched_rows);
      return {
        reportDate: d.report_date,
        reportRows: rows,
        matched: rows - unmatchedRows,
        unmatched: unmatchedRows + Number(d.ledger_only),
        open: Number(d.open),
        totals: totals
          .filter((t) => t.report_date === d.report_date)
          .map((t) => ({ currency: t.currency, gross: BigInt(t.gross), fees: BigInt(t.fees), net: BigInt(t.net) })),
      };
    }),
    batches: batches.map((b) => ({
      reportDate: b.report_date,
      settlementBatchId: b.batch,
      currency: b.currency,
      count: Number(b.cnt),
      gross: BigInt(b.gross),
      fees: BigInt(b.fees),
      net: BigInt(b.net),
      balanced: !b.unbalanced,
    })),
    files,
    sftp: sftp ?? null,
  };
}
