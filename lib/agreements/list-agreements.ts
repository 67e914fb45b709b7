import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, agreementStatus, customers, type AgreementStatus } from '@/lib/db/schema';

export const AGREEMENT_STATUSES: readonly AgreementStatus[] = agreementStatus.enumValues;

export interface AgreementListItem {
  id: string;
  status: AgreementStatus;
  paymentMethod: string;
  customerId: string;
  customerName: string;
  customerReference: string;
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Agreements newest first with their customer, filtered by status and/or customer, keyset-paginated by
 * (createdAt, id). Only display columns are selected: never token ciphertexts or blind indexes.
 * A malformed cursor yields the first page; a malformed customer id matches nothing.
 */
export async function listAgreements(db: Db, options: ListAgreementsOptions = {}): Promise<AgreementPage> {
  const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
  const conditions: SQL[] = [];
  if (options.status) conditions.push(eq(agreements.status, options.status));
  if (options.customerId) {
    if (!UUID.test(options.customerId)) return { items: [], nextCursor: null };
    conditions.push(eq(agreements.customerId, options.customerId));
  }
  if (options.after && UUID.test(options.after)) {
    conditions.push(sql`(${agreements.createdAt}, ${agreements.id}) < (select a.created_at, a.id from agreements a where a.id = ${options.after})`);
  }
  const rows = await db
    .select({
      id: agreements.id,
      status: agreements.status,
      paymentMethod: agreements.paymentMethod,
      customerId: agreements.customerId,
      customerName: customers.name,
      customerReference: customers.reference,
      createdAt: agreements.createdAt,
      activatedAt: agreements.activatedAt,
      accessTokenExpiresAt: agreements.accessTokenExpiresAt,
    })
    .from(agreements)
    .innerJoin(customers, eq(customers.id, agreements.customerId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(agreements.createdAt), desc(agreements.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
