import { desc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { payments, type Payment } from '@/lib/db/schema';

/** The latest payments of one agreement, newest first (the agreement page; the full list is the Payments page). */
export async function listAgreementPayments(db: Db, agreementId: string, limit = 20): Promise<Payment[]> {
  return db.select().from(payments).where(eq(payments.agreementId, agreementId)).orderBy(desc(payments.createdAt), desc(payments.id)).limit(limit);
}
