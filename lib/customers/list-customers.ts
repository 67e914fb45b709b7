import { desc, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customers } from '@/lib/db/schema';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Customers newest first, keyset-paginated by (createdAt, id). The cursor is the id of the last row shown;
 * the comparison re-reads that row's timestamp in SQL so microsecond precision is never lost in a URL.
 * An unknown or malformed cursor yields the first page.
 */
export async function listCustomers(db: Db, options: { after?: string | null; limit?: number } = {}): Promise<CustomerPage> {
  const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
  const after = options.after && UUID.test(options.after) ? options.after : null;
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
    .where(after ? sql`(${customers.createdAt}, ${customers.id}) < (select c.created_at, c.id from customers c where c.id = ${after})` : undefined)
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
