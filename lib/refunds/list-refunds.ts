import { and, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customers, payments, refunds, refundStatus, staffUsers, type RefundStatus } from '@/lib/db/schema';
import { keyset } from '@/lib/lists/keyset';
import { endOfDay, EMPTY_FILTERS, type ListFilters } from '@/lib/lists/parse-list-filters';
import { isUuid } from '@/lib/db/is-uuid';

export const REFUND_STATUSES: readonly RefundStatus[] = refundStatus.enumValues;

export interface RefundListItem {
  id: string;
  status: RefundStatus;
  amountMinor: bigint;
  currency: string;
  reason: string;
  refundRequestId: string;
  refundId: string | null;
  failureCode: string | null;
  initiatedByEmail: string | null;
  paymentId: string;
  paymentRequestId: string;
  paymentMethod: string;
  customerId: string;
  customerName: string;
  customerReference: string;
  createdAt: Date;
}

export interface RefundPage {
  items: RefundListItem[];
  nextCursor: string | null;
}

function conditions(filters: ListFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.status) where.push(eq(refunds.status, filters.status as RefundStatus));
  if (filters.wallet) where.push(eq(payments.paymentMethod, filters.wallet));
  if (filters.currency) where.push(eq(refunds.currency, filters.currency));
  if (filters.currency && filters.minAmount !== null) where.push(gte(refunds.amountMinor, filters.minAmount));
  if (filters.currency && filters.maxAmount !== null) where.push(lte(refunds.amountMinor, filters.maxAmount));
  if (filters.from) where.push(gte(refunds.createdAt, filters.from));
  if (filters.to) where.push(lt(refunds.createdAt, endOfDay(filters.to, filters.zone)));
  if (filters.staff) where.push(eq(refunds.initiatedBy, filters.staff));
  if (filters.q) {
    const q = filters.q;
    const ids: SQL[] = [
      eq(refunds.refundRequestId, q),
      eq(refunds.refundId, q),
      inArray(refunds.paymentId, sql`(select p.id from payments p where p.payment_request_id = ${q} or p.payment_id = ${q})`),
    ];
    if (isUuid(q)) ids.push(eq(refunds.id, q.toLowerCase()), eq(refunds.paymentId, q.toLowerCase()));
    where.push(or(...ids)!);
  }
  return where;
}

/**
 * Refunds matching the filters with their payment and customer, keyset-paginated by the chosen sort.
 * The wallet filter is the payment's wallet. `limit` is capped at `maxLimit` (100 for pages).
 */
export async function queryRefunds(db: Db, filters: ListFilters, limit: number, maxLimit = 100): Promise<RefundPage> {
  const size = Math.min(Math.max(limit, 1), maxLimit);
  const page = keyset({ sort: filters.sort, createdAt: refunds.createdAt, amount: refunds.amountMinor, id: refunds.id, table: 'refunds', after: filters.after });
  const where = conditions(filters);
  if (page.where) where.push(page.where);
  const rows = await db
    .select({
      id: refunds.id,
      status: refunds.status,
      amountMinor: refunds.amountMinor,
      currency: refunds.currency,
      reason: refunds.reason,
      refundRequestId: refunds.refundRequestId,
      refundId: refunds.refundId,
      failureCode: refunds.failureCode,
      initiatedByEmail: staffUsers.email,
      paymentId: refunds.paymentId,
      paymentRequestId: payments.paymentRequestId,
      paymentMethod: payments.paymentMethod,
      customerId: payments.customerId,
      customerName: customers.name,
      customerReference: customers.reference,
      createdAt: refunds.createdAt,
    })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(customers, eq(customers.id, payments.customerId))
    .leftJoin(staffUsers, eq(staffUsers.id, refunds.initiatedBy))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...page.orderBy)
    .limit(size + 1);
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

export function listRefunds(db: Db, filters: Partial<ListFilters> = {}, options: { limit?: number } = {}): Promise<RefundPage> {
  return queryRefunds(db, { ...EMPTY_FILTERS, ...filters }, options.limit ?? 25);
}

export async function countRefunds(db: Db, filters: ListFilters): Promise<number> {
  const where = conditions(filters);
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(where.length ? and(...where) : undefined);
  return Number(row?.n ?? 0);
}
