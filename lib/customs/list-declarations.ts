import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customsDeclarations, payments, type CustomsDeclaration } from '@/lib/db/schema';

export interface DeclarationItem extends Omit<CustomsDeclaration, 'requestBodyCiphertext' | 'requestBodyHash'> {
  paymentRequestId: string;
}

/** Declarations newest first (at most 200), without the sealed body; optionally those of one payment. */
export async function listDeclarations(db: Db, filter: { paymentId?: string } = {}): Promise<DeclarationItem[]> {
  const rows = await db
    .select({ d: customsDeclarations, paymentRequestId: payments.paymentRequestId })
    .from(customsDeclarations)
    .innerJoin(payments, eq(payments.id, customsDeclarations.paymentId))
    .where(filter.paymentId ? eq(customsDeclarations.paymentId, filter.paymentId) : undefined)
    .orderBy(desc(customsDeclarations.createdAt), desc(customsDeclarations.id))
    .limit(200);
  return rows.map(({ d, paymentRequestId }) => {
    const { requestBodyCiphertext: _c, requestBodyHash: _h, ...rest } = d;
    return { ...rest, paymentRequestId };
  });
}

export interface DeclarablePayment {
  id: string;
  paymentRequestId: string;
  referenceOrderId: string;
  amountMinor: bigint;
  declaredMinor: bigint;
}

/** SUCCEEDED Alipay (China) CNY payments with something left to declare, newest first. */
export async function listDeclarablePayments(db: Db): Promise<DeclarablePayment[]> {
  const rows = await db
    .select({
      id: payments.id,
      paymentRequestId: payments.paymentRequestId,
      referenceOrderId: payments.referenceOrderId,
      amountMinor: payments.amountMinor,
      declared: sql<string>`coalesce((select sum(d.amount_minor) from customs_declarations d where d.payment_id = ${payments.id} and d.status not in ('FAILED', 'REJECTED')), 0)::text`,
    })
    .from(payments)
    .where(and(eq(payments.status, 'SUCCEEDED'), eq(payments.paymentMethod, 'ALIPAY_CN'), eq(payments.currency, 'CNY')))
    .orderBy(desc(payments.createdAt))
    .limit(100);
  return rows
    .map((r) => ({ id: r.id, paymentRequestId: r.paymentRequestId, referenceOrderId: r.referenceOrderId, amountMinor: r.amountMinor, declaredMinor: BigInt(r.declared) }))
    .filter((p) => p.declaredMinor < p.amountMinor);
}
