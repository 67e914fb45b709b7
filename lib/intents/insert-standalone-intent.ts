import { randomUUID } from 'node:crypto';
import type { Db } from '@/lib/db/client';
import { chargeIntents, type NewPayment } from '@/lib/db/schema';

/**
 * For seeds, fixtures and benchmarks that write a payment's history directly (never for a charge: charges go
 * through lib/payments/charge.ts): inserts the intent of its own that the payment row needs, as the 0012
 * migration did for every payment that existed before intents, and returns the row with its intentId set.
 */
export async function withStandaloneIntent<T extends Omit<NewPayment, 'intentId'> & { intentId?: string }>(db: Db, payment: T): Promise<T & { id: string; intentId: string }> {
  const id = payment.id ?? randomUUID();
  await db.insert(chargeIntents).values({
    id,
    businessKey: `${payment.referenceOrderId}#${payment.paymentRequestId}`,
    agreementId: payment.agreementId,
    customerId: payment.customerId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    description: payment.description,
    source: payment.initiator,
    retryPolicy: 'none',
    maxAttempts: 1,
    ...(payment.createdAt ? { createdAt: payment.createdAt } : {}),
  });
  return { ...payment, id, intentId: id };
}

/** The same for bulk SQL seeds: the intents for every payment row a `select` yields (id = the payment's id). */
export const STANDALONE_INTENT_COLUMNS = '(id, business_key, agreement_id, customer_id, amount_minor, currency, description, source, retry_policy, max_attempts, created_at)';
