import { and, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, agreementStatus, customers, type AgreementStatus } from '@/lib/db/schema';
import { keyset } from '@/lib/lists/keyset';
import { EMPTY_FILTERS, endOfDay, type ListFilters } from '@/lib/lists/parse-list-filters';
import { isUuid } from '@/lib/db/is-uuid';

export const AGREEMENT_STATUSES: readonly AgreementStatus[] = agreementStatus.enumValues;

export interface AgreementListItem {
  id: string;
  status: AgreementStatus;
  paymentMethod: string;
  customerId: string;
  customerName: string;
  customerReference: string;
  userLoginIdMasked: string | null;
  createdAt: Date;
  activatedAt: Date | null;
  accessTokenExpiresAt: Date | null;
}

export interface AgreementPage {
  items: AgreementListItem[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ListAgreementsOptions {
  status?: AgreementStatus | null;
  customerId?: string | null;
  /** Id of the last agreement of the previous page. */
  after?: string | null;
  limit?: number;
}

function conditions(filters: ListFilters, customerId: string | null): SQL[] {
  const where: SQL[] = [];
  if (filters.status) where.push(eq(agreements.status, filters.status as AgreementStatus));
  if (filters.wallet) where.push(eq(agreements.paymentMethod, filters.wallet));
  if (filters.from) where.push(gte(agreements.createdAt, filters.from));
  if (filters.to) where.push(lt(agreements.createdAt, endOfDay(filters.to, filters.zone)));
  if (customerId) where.push(eq(agreements.customerId, customerId));
  if (filters.q) {
    const q = filters.q;
    const ids: SQL[] = [eq(agreements.userLoginIdMasked, q), sql`${agreements.customerId} in (select c.id from customers c where c.reference = ${q})`];
    if (isUuid(q)) ids.push(eq(agreements.id, q.toLowerCase()));
    where.push(or(...ids)!);
  }
  return where;
}

/**
 * Agreements matching the filters with their customer, keyset-paginated by (createdAt, id) in the chosen
 * direction. Only display columns are selected: never token ciphertexts or blind indexes.
 */
export async function queryAgreements(db: Db, filters: ListFilters, limit: number, options: { customerId?: string | null; maxLimit?: number } = {}): Promise<AgreementPage> {
  const size = Math.min(Math.max(limit, 1), options.maxLimit ?? 100);
  const sort = filters.sort === 'oldest' ? 'oldest' : 'newest';
  const page = keyset({ sort, createdAt: agreements.createdAt, id: agreements.id, table: 'agreements', after: filters.after });
  const where = conditions(filters, options.customerId ?? null);
  if (page.where) where.push(page.where);
  const rows = await db
    .select({
      id: agreements.id,
      status: agreements.status,
      paymentMethod: agreements.paymentMethod,
      customerId: agreements.customerId,
      customerName: customers.name,
      customerReference: customers.reference,
      userLoginIdMasked: agreements.userLoginIdMasked,
      createdAt: agreements.createdAt,
      activatedAt: agreements.activatedAt,
      accessTokenExpiresAt: agreements.accessTokenExpiresAt,
    })
    .from(agreements)
    .innerJoin(customers, eq(customers.id, agreements.customerId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...page.orderBy)
    .limit(size + 1);
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

/**
 * Agreements newest first, filtered by status and/or customer (the customer page's view).
 * A malformed cursor yields the first page; a malformed customer id matches nothing.
 */
export async function listAgreements(db: Db, options: ListAgreementsOptions = {}): Promise<AgreementPage> {
  if (options.customerId && !isUuid(options.customerId)) return { items: [], nextCursor: null };
  const after = options.after && isUuid(options.after) ? options.after : null;
  return queryAgreements(db, { ...EMPTY_FILTERS, status: options.status ?? null, after }, options.limit ?? 25, { customerId: options.customerId ?? null });
}

export async function countAgreements(db: Db, filters: ListFilters): Promise<number> {
  const where = conditions(filters, null);
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(agreements)
    .where(where.length ? and(...where) : undefined);
  return Number(row?.n ?? 0);
}
