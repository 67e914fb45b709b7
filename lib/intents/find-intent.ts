import { asc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { chargeIntents, payments, type ChargeIntent, type Payment } from '@/lib/db/schema';
import { intentStatusOf, type IntentStatus } from './intent-rules';

export interface IntentWithAttempts {
  intent: ChargeIntent;
  /** Oldest first. */
  attempts: Payment[];
  status: IntentStatus;
}

/** The intent with this business key (order reference), with its attempts, or null. */
export async function findIntentByKey(db: Db, businessKey: string): Promise<IntentWithAttempts | null> {
  const [intent] = await db.select().from(chargeIntents).where(eq(chargeIntents.businessKey, businessKey)).limit(1);
  return intent ? withAttempts(db, intent) : null;
}

/** The intent with this id, with its attempts, or null. */
export async function findIntentById(db: Db, id: string): Promise<IntentWithAttempts | null> {
  // Both reads at once (attempts are found by the intent id alone): one round trip of latency, not two.
  const [[intent], attempts] = await Promise.all([
    db.select().from(chargeIntents).where(eq(chargeIntents.id, id)).limit(1),
    db.select().from(payments).where(eq(payments.intentId, id)).orderBy(asc(payments.attemptNumber)),
  ]);
  return intent ? { intent, attempts, status: intentStatusOf(attempts) } : null;
}

async function withAttempts(db: Db, intent: ChargeIntent): Promise<IntentWithAttempts> {
  const attempts = await db.select().from(payments).where(eq(payments.intentId, intent.id)).orderBy(asc(payments.attemptNumber));
  return { intent, attempts, status: intentStatusOf(attempts) };
}
