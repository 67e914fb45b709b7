import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { chargeIntents, payments } from '@/lib/db/schema';

export interface UnresolvedAttempt {
  paymentId: string;
  businessKey: string;
  amountMinor: bigint;
  currency: string;
  status: 'CREATED' | 'PROCESSING' | 'UNKNOWN';
  createdAt: Date;
  /** Seconds since it was created, by the database's clock. */
  ageSeconds: number;
}

/**
 * The agreement's attempts that were sent and have no final answer yet, newest first: the staff charge form
 * shows them (amount and age) and pre-fills the newest one's order reference, so confirming again answers that
 * payment instead of debiting twice; a second charge needs a different reference, typed on purpose.
 */
export async function listUnresolvedAttempts(db: Db, agreementId: string): Promise<UnresolvedAttempt[]> {
  const rows = await db
    .select({ paymentId: payments.id, businessKey: chargeIntents.businessKey, amountMinor: payments.amountMinor, currency: payments.currency, status: payments.status, createdAt: payments.createdAt, ageSeconds: sql<number>`greatest(0, extract(epoch from now() - ${payments.createdAt}))::int` })
    .from(payments)
    .innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId))
    .where(and(eq(payments.agreementId, agreementId), inArray(payments.status, ['CREATED', 'PROCESSING', 'UNKNOWN'])))
    .orderBy(desc(payments.createdAt))
    .limit(10);
  return rows as UnresolvedAttempt[];
}
