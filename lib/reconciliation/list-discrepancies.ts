import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { reconDiscrepancies, reportRows, type ReconDiscrepancy } from '@/lib/db/schema';

export interface DiscrepancyItem extends ReconDiscrepancy {
  /** The report side, when there is one. */
  reportTransactionId: string | null;
  reportTransactionType: string | null;
}

/** The discrepancy inbox: open first (or only resolved), optionally one day, newest first, capped. */
export async function listDiscrepancies(db: Db, filter: { reportDate?: string | null; status?: 'OPEN' | 'RESOLVED'; limit?: number } = {}): Promise<DiscrepancyItem[]> {
  const conditions: SQL[] = [eq(reconDiscrepancies.status, filter.status ?? 'OPEN')];
  if (filter.reportDate && /^\d{4}-\d{2}-\d{2}$/.test(filter.reportDate)) conditions.push(eq(reconDiscrepancies.reportDate, filter.reportDate));
  const rows = await db
    .select({ d: reconDiscrepancies, transactionId: reportRows.transactionId, transactionType: reportRows.transactionType })
    .from(reconDiscrepancies)
    .leftJoin(reportRows, eq(reportRows.id, reconDiscrepancies.reportRowId))
    .where(and(...conditions))
    .orderBy(desc(reconDiscrepancies.reportDate), desc(reconDiscrepancies.createdAt), desc(reconDiscrepancies.id))
    .limit(Math.min(filter.limit ?? 200, 1000));
  return rows.map((r) => ({ ...r.d, reportTransactionId: r.transactionId, reportTransactionType: r.transactionType }));
}
