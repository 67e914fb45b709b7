import { and, inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customers, payments, staffUsers } from '@/lib/db/schema';
import { keyset } from '@/lib/lists/keyset';
import type { ListFilters } from '@/lib/lists/parse-list-filters';
import { PAYMENT_ROW_COLUMNS, paymentFilterConditions } from '@/lib/payments/list-payments';

type CustomerRef = { reference: string; name: string };

/** Most merchants have far fewer customers than payments; above this many the cache starts over (memory stays flat). */
const CUSTOMER_CACHE_MAX = 100_000;

/**
 * Reads payments for the CSV export in keyset batches WITHOUT joining customers per row: measured on a million
 * rows, the per-row customer lookup cost ten times the payments scan itself (272 ms vs 27 ms per 10,000). The
 * customer's reference and name come from a bounded in-process map filled by one `id = any(…)` query per batch,
 * staff emails from one query per export. Same filters and order as the list (lib/payments/list-payments.ts).
 */
export function createPaymentExportReader(db: Db) {
  const customerCache = new Map<string, CustomerRef>();
  let staffEmails: Map<string, string> | null = null;

  return async function readBatch(filters: ListFilters, size: number) {
    if (!staffEmails) {
      const staff = await db.select({ id: staffUsers.id, email: staffUsers.email }).from(staffUsers);
      staffEmails = new Map(staff.map((s) => [s.id, s.email]));
    }
    const page = keyset({ sort: filters.sort, createdAt: payments.createdAt, amount: payments.amountMinor, id: payments.id, table: 'payments', after: filters.after });
    const where = paymentFilterConditions(filters);
    if (page.where) where.push(page.where);
    const rows = await db
      .select({ ...PAYMENT_ROW_COLUMNS, initiatedBy: payments.initiatedBy })
      .from(payments)
      .where(where.length ? and(...where) : undefined)
      .orderBy(...page.orderBy)
      .limit(size + 1);
    const items = rows.slice(0, size);
    const missing = [...new Set(items.map((r) => r.customerId).filter((id) => !customerCache.has(id)))];
    if (missing.length) {
      if (customerCache.size + missing.length > CUSTOMER_CACHE_MAX) customerCache.clear();
      const found = await db.select({ id: customers.id, reference: customers.reference, name: customers.name }).from(customers).where(inArray(customers.id, missing));
      for (const c of found) customerCache.set(c.id, { reference: c.reference, name: c.name });
    }
    return {
      nextCursor: rows.length > size ? items[items.length - 1]!.id : null,
      items: items.map((r) => ({
        ...r,
        customerReference: customerCache.get(r.customerId)?.reference ?? '',
        customerName: customerCache.get(r.customerId)?.name ?? '',
        initiatedByEmail: r.initiatedBy ? (staffEmails!.get(r.initiatedBy) ?? null) : null,
      })),
    };
  };
}
