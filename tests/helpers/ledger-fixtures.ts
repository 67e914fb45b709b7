import { randomBytes } from 'node:crypto';
import type { Db } from '@/lib/db/client';
import type { Actor } from '@/lib/auth/actor';
import { agreements, customers, payments, refunds, staffUsers, type PaymentStatus, type RefundStatus, type StaffRole } from '@/lib/db/schema';
import { withStandaloneIntent } from '@/lib/intents/insert-standalone-intent';

/**
 * Payment and refund rows written directly in the shapes lib/db/schema/payments.ts defines, for suites
 * that need a ledger without the charge and refund services (built in parallel).
 */
export async function insertAgreement(db: Db, paymentMethod = 'GCASH'): Promise<{ customerId: string; agreementId: string }> {
  const tag = randomBytes(6).toString('hex');
  const [customer] = await db.insert(customers).values({ reference: `cust-${tag}`, name: `Customer ${tag}` }).returning({ id: customers.id });
  const [agreement] = await db
    .insert(agreements)
    .values({
      customerId: customer!.id,
      paymentMethod,
      status: 'ACTIVE',
      terminalType: 'WEB',
      authStateIndex: `state-${tag}`,
      authStateExpiresAt: new Date(Date.now() + 600_000),
      buyerBindingIndex: `binding-${tag}`,
    })
    .returning({ id: agreements.id });
  return { customerId: customer!.id, agreementId: agreement!.id };
}

export interface LedgerPaymentInput {
  paymentRequestId: string;
  paymentId?: string | null;
  amountMinor: bigint;
  currency: string;
  status: PaymentStatus;
  paymentMethod?: string;
  succeededAt?: Date | null;
  cancelledAt?: Date | null;
  /** Antom's paymentTime. */
  paymentTime?: Date | null;
}

export async function insertPayment(db: Db, owner: { customerId: string; agreementId: string }, input: LedgerPaymentInput): Promise<string> {
  const [row] = await db
    .insert(payments)
    .values(await withStandaloneIntent(db, {
      agreementId: owner.agreementId,
      customerId: owner.customerId,
      paymentMethod: input.paymentMethod ?? 'GCASH',
      paymentRequestId: input.paymentRequestId,
      paymentId: input.paymentId ?? null,
      amountMinor: input.amountMinor,
      currency: input.currency,
      status: input.status,
      referenceOrderId: `order-${input.paymentRequestId}`,
      description: 'Test order',
      initiator: 'staff',
      succeededAt: input.succeededAt ?? null,
      cancelledAt: input.cancelledAt ?? null,
      paymentTime: input.paymentTime ?? null,
    }))
    .returning({ id: payments.id });
  return row!.id;
}

export async function insertRefund(
  db: Db,
  paymentId: string,
  input: { refundRequestId: string; refundId?: string | null; amountMinor: bigint; currency: string; status: RefundStatus; settledAt?: Date | null; refundTime?: Date | null },
): Promise<string> {
  const [row] = await db
    .insert(refunds)
    .values({
      paymentId,
      refundRequestId: input.refundRequestId,
      refundId: input.refundId ?? null,
      amountMinor: input.amountMinor,
      currency: input.currency,
      status: input.status,
      reason: 'Test refund',
      settledAt: input.settledAt ?? null,
      refundTime: input.refundTime ?? null,
    })
    .returning({ id: refunds.id });
  return row!.id;
}

/** A staff user row and the Actor a validated session would give (services take the actor, not a session). */
export async function insertStaffActor(db: Db, role: StaffRole = 'operator'): Promise<Actor> {
  const tag = randomBytes(6).toString('hex');
  const [user] = await db
    .insert(staffUsers)
    .values({ email: `${tag}@example.test`, name: `Staff ${tag}`, passwordHash: 'unused', role })
    .returning({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name });
  return { userId: user!.id, email: user!.email, name: user!.name, role, sessionId: randomBytes(8).toString('hex'), ip: '127.0.0.1', userAgent: 'vitest' };
}
