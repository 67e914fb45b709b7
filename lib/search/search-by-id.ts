import { eq, or, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, customers, payments, refunds } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/is-uuid';

export type SearchHitKind = 'payment' | 'refund' | 'customer' | 'agreement';

export interface SearchHit {
  kind: SearchHitKind;
  id: string;
  /** Which id matched, e.g. "paymentRequestId". */
  matched: string;
  /** What the person sees: the matched value and a short description. */
  label: string;
  /** Where to open it. */
  href: string;
}

const MAX_PER_KIND = 10;

/**
 * Finds objects by any id staff may paste: our uuid, paymentRequestId, Antom's paymentId, refundRequestId,
 * Antom's refundId, referenceOrderId, customer reference or email, or an agreement's masked wallet login.
 * Exact matches only, each on an indexed column, so it stays instant on a million rows. The header search
 * box sends here; one hit opens the object, several show a results page.
 *
 * A refund opens its payment's page, which lists the payment's refunds.
 */
export async function searchById(db: Db, rawQuery: string): Promise<SearchHit[]> {
  const q = rawQuery.trim();
  // Ids never hold control characters; a NUL would make PostgreSQL refuse the query (a 500).
  if (!q || q.length > 128 || /[\u0000-\u001f\u007f]/.test(q)) return [];
  const queryIsUuid = isUuid(q);
  const uuid = q.toLowerCase();
  const hits: SearchHit[] = [];

  const paymentMatch: SQL[] = [eq(payments.paymentRequestId, q), eq(payments.paymentId, q), eq(payments.referenceOrderId, q)];
  if (queryIsUuid) paymentMatch.push(eq(payments.id, uuid));
  for (const p of await db
    .select({ id: payments.id, paymentRequestId: payments.paymentRequestId, paymentId: payments.paymentId, referenceOrderId: payments.referenceOrderId })
    .from(payments)
    .where(or(...paymentMatch))
    .limit(MAX_PER_KIND)) {
    const matched = p.paymentRequestId === q ? 'paymentRequestId' : p.paymentId === q ? 'paymentId' : p.referenceOrderId === q ? 'referenceOrderId' : 'id';
    hits.push({ kind: 'payment', id: p.id, matched, label: p.paymentRequestId, href: `/dashboard/payments/${p.id}` });
  }

  const refundMatch: SQL[] = [eq(refunds.refundRequestId, q), eq(refunds.refundId, q)];
  if (queryIsUuid) refundMatch.push(eq(refunds.id, uuid));
  for (const r of await db
    .select({ id: refunds.id, paymentId: refunds.paymentId, refundRequestId: refunds.refundRequestId, refundId: refunds.refundId })
    .from(refunds)
    .where(or(...refundMatch))
    .limit(MAX_PER_KIND)) {
    const matched = r.refundRequestId === q ? 'refundRequestId' : r.refundId === q ? 'refundId' : 'id';
    hits.push({ kind: 'refund', id: r.id, matched, label: r.refundRequestId, href: `/dashboard/payments/${r.paymentId}` });
  }

  const customerMatch: SQL[] = [eq(customers.reference, q), eq(customers.email, q.toLowerCase())];
  if (queryIsUuid) customerMatch.push(eq(customers.id, uuid));
  for (const c of await db
    .select({ id: customers.id, reference: customers.reference, name: customers.name, email: customers.email })
    .from(customers)
    .where(or(...customerMatch))
    .limit(MAX_PER_KIND)) {
    const matched = c.reference === q ? 'reference' : c.email === q.toLowerCase() ? 'email' : 'id';
    hits.push({ kind: 'customer', id: c.id, matched, label: `${c.name} (${c.reference})`, href: `/dashboard/customers/${c.id}` });
  }

  const agreementMatch: SQL[] = [eq(agreements.userLoginIdMasked, q)];
  if (queryIsUuid) agreementMatch.push(eq(agreements.id, uuid));
  for (const a of await db
    .select({ id: agreements.id, paymentMethod: agreements.paymentMethod, login: agreements.userLoginIdMasked })
    .from(agreements)
    .where(or(...agreementMatch))
    .limit(MAX_PER_KIND)) {
    hits.push({ kind: 'agreement', id: a.id, matched: a.login === q ? 'userLoginIdMasked' : 'id', label: `${a.paymentMethod} ${a.login ?? ''}`.trim(), href: `/dashboard/agreements/${a.id}` });
  }
  return hits;
}
