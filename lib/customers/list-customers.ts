import { and, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customers } from '@/lib/db/schema';
import { keyset } from '@/lib/lists/keyset';
import { EMPTY_FILTERS, endOfDay, type ListFilters } from '@/lib/lists/parse-list-filters';
import { isUuid } from '@/lib/db/is-uuid';

export interface CustomerListItem {
  id: string;
  reference: string;
  name: string;
  email: string | null;
  country: string | null;
  preferredLanguage: string | null;
  createdAt: Date;
}

export interface CustomerPage {
  items: CustomerListItem[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

function conditions(filters: ListFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.from) where.push(gte(customers.createdAt, filters.from));
  if (filters.to) where.push(lt(customers.createdAt, endOfDay(filters.to, filters.zone)));
  if (filters.wallet) where.push(sql`exists (select 1 from agreements a where a.customer_id = ${customers.id} and a.payment_method = ${filters.wallet})`);
  if (filters.q) {
    const q = filters.q;
    const ids: SQL[] = [eq(customers.reference, q), eq(customers.email, q.toLowerCase()), eq(customers.email, q)];
    if (isUuid(q)) ids.push(eq(customers.id, q.toLowerCase()));
    where.push(or(...ids)!);
  }
  return where;
}

/**
 * Customers matching the filters (created date range, has an agreement with a wallet, exact reference /
 * email / id), keyset-paginated by (createdAt, id). The cursor is the id of the last row shown; the
 * comparison re-reads that row's timestamp in SQL so microsecond precision is never lost in a URL.
 */
export async function queryCustomers(db: Db, filters: ListFilters, limit: number, maxLimit = 100): Promise<CustomerPage> {
  const size = Math.min(Math.max(limit, 1), maxLimit);
  const page = keyset({ sort: filters.sort === 'oldest' ? 'oldest' : 'newest', createdAt: customers.createdAt, id: customers.id, table: 'customers', after: filters.after });
  const where = conditions(filters);
  if (page.where) where.push(page.where);
  const rows = await db
    .select({
      id: customers.id,
      reference: customers.reference,
      name: customers.name,
      email: customers.email,
      country: customers.country,
      preferredLanguage: customers.preferredLanguage,
      createdAt: customers.createdAt,
    })
    .from(customers)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...page.orderBy)
    .limit(size + 1);
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

/** Customers newest first. An unknown or malformed cursor yields the first page. */
export async function listCustomers(db: Db, options: { after?: string | null; limit?: number } = {}): Promise<CustomerPage> {
  const after = options.after && isUuid(options.after) ? options.after : null;
  return queryCustomers(db, { ...EMPTY_FILTERS, after }, options.limit ?? 25);
}

export async function countCustomers(db: Db, filters: ListFilters): Promise<number> {
  const where = conditions(filters);
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(customers)
    .where(where.length ? and(...where) : undefined);
  return Number(row?.n ?? 0);
}
