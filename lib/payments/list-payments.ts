import { and, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customers, payments, paymentStatus, staffUsers, type PaymentStatus } from '@/lib/db/schema';
import { keyset } from '@/lib/lists/keyset';
import { endOfDay, EMPTY_FILTERS, type ListFilters } from '@/lib/lists/parse-list-filters';
import { isUuid } from '@/lib/db/is-uuid';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = paymentStatus.enumValues;

export interface PaymentListItem {
  id: string;
  status: PaymentStatus;
  paymentMethod: string;
  amountMinor: bigint;
  currency: string;
  refundedMinor: bigint;
  paymentRequestId: string;
  paymentId: string | null;
  referenceOrderId: string;
  initiator: string;
  initiatedByEmail: string | null;
  failureCode: string | null;
  customerId: string;
  customerName: string;
  customerReference: string;
  createdAt: Date;
}

export interface PaymentPage {
  items: PaymentListItem[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The WHERE terms of the filters (without the cursor); shared by the page, the count and the CSV export. */
export function paymentFilterConditions(filters: ListFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.status) where.push(eq(payments.status, filters.status as PaymentStatus));
  if (filters.wallet) where.push(eq(payments.paymentMethod, filters.wallet));
  if (filters.currency) where.push(eq(payments.currency, filters.currency));
  if (filters.currency && filters.minAmount !== null) where.push(gte(payments.amountMinor, filters.minAmount));
  if (filters.currency && filters.maxAmount !== null) where.push(lte(payments.amountMinor, filters.maxAmount));
  if (filters.from) where.push(gte(payments.createdAt, filters.from));
  if (filters.to) where.push(lt(payments.createdAt, endOfDay(filters.to, filters.zone)));
  if (filters.staff) where.push(eq(payments.initiatedBy, filters.staff));
  if (filters.q) {
    // Exact matches on unique columns only: each is an index lookup, never a scan of a million rows.
    const q = filters.q;
    const ids: SQL[] = [
      eq(payments.paymentRequestId, q),
      eq(payments.paymentId, q),
      eq(payments.referenceOrderId, q),
      inArray(payments.customerId, sql`(select c.id from customers c where c.reference = ${q})`),
    ];
    if (isUuid(q)) ids.push(eq(payments.id, q.toLowerCase()));
    where.push(or(...ids)!);
  }
  return where;
}

/** The payment columns a list row shows, here and in the CSV export (lib/export/export-payments-batch.ts). */
export const PAYMENT_ROW_COLUMNS = {
  id: payments.id,
  status: payments.status,
  paymentMethod: payments.paymentMethod,
  amountMinor: payments.amountMinor,
  currency: payments.currency,
  refundedMinor: payments.refundedMinor,
  paymentRequestId: payments.paymentRequestId,
  paymentId: payments.paymentId,
  referenceOrderId: payments.referenceOrderId,
  initiator: payments.initiator,
  failureCode: payments.failureCode,
  customerId: payments.customerId,
  createdAt: payments.createdAt,
};

/**
 * Payments matching the filters, keyset-paginated by the chosen sort (newest first by default), with their
 * customer and initiating staff member. `limit` is capped at `maxLimit` (100 for pages; the CSV export
 * reads bigger batches). Only display columns: never request bodies, hashes or confirm-token indexes.
 */
export async function queryPayments(db: Db, filters: ListFilters, limit: number, maxLimit = 100): Promise<PaymentPage> {
  const size = Math.min(Math.max(limit, 1), maxLimit);
  const page = keyset({ sort: filters.sort, createdAt: payments.createdAt, amount: payments.amountMinor, id: payments.id, table: 'payments', after: filters.after });
  const where = paymentFilterConditions(filters);
  if (page.where) where.push(page.where);
  const rows = await db
    .select({ ...PAYMENT_ROW_COLUMNS, initiatedByEmail: staffUsers.email, customerName: customers.name, customerReference: customers.reference })
    .from(payments)
    .innerJoin(customers, eq(customers.id, payments.customerId))
    .leftJoin(staffUsers, eq(staffUsers.id, payments.initiatedBy))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...page.orderBy)
    .limit(size + 1);
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

/** One page (≤ 100 rows) of the payments list. */
export function listPayments(db: Db, filters: Partial<ListFilters> = {}, options: { limit?: number } = {}): Promise<PaymentPage> {
  return queryPayments(db, { ...EMPTY_FILTERS, ...filters }, options.limit ?? 25);
}

/** How many payments match (for the export page's progress); ignores the cursor. */
export async function countPayments(db: Db, filters: ListFilters): Promise<number> {
  const where = paymentFilterConditions(filters);
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(payments)
    .where(where.length ? and(...where) : undefined);
  return Number(row?.n ?? 0);
}
