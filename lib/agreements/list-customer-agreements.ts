import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements } from '@/lib/db/schema';

export interface BuyerAgreementRow {
  id: string;
  paymentMethod: string;
  userLoginIdMasked: string | null;
  activatedAt: Date | null;
}

/** A customer's ACTIVE agreements for buyer self-service (no token material). */
export async function listActiveCustomerAgreements(db: Db, customerId: string): Promise<BuyerAgreementRow[]> {
  return db
    .select({ id: agreements.id, paymentMethod: agreements.paymentMethod, userLoginIdMasked: agreements.userLoginIdMasked, activatedAt: agreements.activatedAt })
    .from(agreements)
    .where(and(eq(agreements.customerId, customerId), eq(agreements.status, 'ACTIVE')))
    .orderBy(desc(agreements.activatedAt));
}
