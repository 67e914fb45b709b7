import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentEvents } from '@/lib/db/schema';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { charge } from '@/lib/payments/charge';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { startPaymentWorld, waitForFinal, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
let queue: JobQueue;
const JOBS = [resolvePaymentJob] as unknown as JobDefinition<never>[];

function startQueue(): Promise<JobQueue> {
  return startJobQueue(world.database, {
    work: true,
    jobs: JOBS,
    context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
    pollingIntervalSeconds: 0.5,
  });
}

function deps(overrides: Partial<PaymentDeps> = {}): PaymentDeps {
  return world.deps({ enqueue: (...args) => queue.enqueue(...args), ...overrides });
}

async function chargeGcash(amountMinor: bigint, overrides: Partial<PaymentDeps> = {}) {
  const agreementId = await world.activeAgreement('GCASH');
  const result = await charge(deps(overrides), { agreementId, amountMinor, description: 'Resolver test', initiator: { kind: 'schedule' } });
  if (!result.ok) throw new Error(`${result.code}: ${result.error}`);
  return result.data.payment;
}

async function eventTypes(paymentId: string): Promise<string[]> {
  const rows = await world.database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, paymentId)).orderBy(paymentEvents.createdAt);
  return rows.map((r) => r.type);
}

const SIM_FINAL: Record<string, string> = { SUCCESS: 'SUCCEEDED', FAIL: 'FAILED', CANCELLED: 'CANCELLED' };

describe(`the unknown-state resolver (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
    queue = await startQueue();
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(5_000);
    await world?.close();
  });

  it('debit-then-timeout: the timed-out pay is resent byte-identically and ends SUCCEEDED with exactly one debit', async () => {
    const payment = await chargeGcash(10_071n);
    expect(payment.status).toBe('UNKNOWN');
    const final = await waitForFinal(world, payment.id);
    expect(final.status).toBe('SUCCEEDED');
    expect(await world.ledgerFor(payment.paymentRequestId)).toEqual([expect.objectContaining({ kind: 'DEBIT', amountMinor: '10071' })]);
    expect((await world.simPayment(payment.paymentRequestId))?.status).toBe('SUCCESS');
    expect(await eventTypes(payment.id)).toContain('resend');
  }, 60_000);

  it('unknown-exception: the identical resend goes through, one debit', async () => {
    const payment = await chargeGcash(10_081n);
    expect(payment.status).toBe('UNKNOWN');
    const final = await waitForFinal(world, payment.id);
    expect(final.status).toBe('SUCCEEDED');
    expect(await world.ledgerFor(payment.paymentRequestId)).toHaveLength(1);
  }, 60_000);

  it('in-process-then-success ends SUCCEEDED, told by the PAYMENT_RESULT notification', async () => {
    const sink = await world.startNotificationSink();
    try {
      // No resolver for this one: only the notification can settle it, so the test cannot pass by inquiry.
      const payment = await chargeGcash(10_061n, { notifyUrl: sink.url, enqueue: async () => {} });
      expect(payment.status).toBe('PROCESSING');
      const final = await waitForFinal(world, payment.id);
      expect(final.status).toBe(SIM_FINAL[(await world.simPayment(payment.paymentRequestId))!.status]);
      expect(final.status).toBe('SUCCEEDED');
      await expect.poll(() => sink.received(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await eventTypes(payment.id)).toContain('notification');
      expect(await world.ledgerFor(payment.paymentRequestId)).toHaveLength(1);
    } finally {
      await sink.close();
    }
  }, 60_000);

  it('in-process-then-fail with no notification URL ends FAILED through inquiry alone', async () => {
    const payment = await chargeGcash(10_062n);
    expect(payment.status).toBe('PROCESSING');
    const final = await waitForFinal(world, payment.id);
    expect(final).toMatchObject({ status: 'FAILED', failureCode: 'USER_BALANCE_NOT_ENOUGH' });
    expect((await world.simPayment(payment.paymentRequestId))?.status).toBe('FAIL');
    const types = await eventTypes(payment.id);
    expect(types).toContain('inquiry');
    expect(types).not.toContain('notification');
    expect(await world.ledgerFor(payment.paymentRequestId)).toEqual([]);
  }, 60_000);

  it('in-process-until-expiry ends CANCELLED by the cancel at the deadline, on both sides, nothing debited', async () => {
    const payment = await chargeGcash(10_063n, { paymentExpirySeconds: 10 });
    expect(payment.status).toBe('PROCESSING');
    const final = await waitForFinal(world, payment.id);
    expect(final.status).toBe('CANCELLED');
    expect((await world.simPayment(payment.paymentRequestId))?.status).toBe('CANCELLED');
    expect(await eventTypes(payment.id)).toContain('cancel_answered');
    expect(await world.ledgerFor(payment.paymentRequestId)).toEqual([]);
  }, 60_000);

  it('a worker stopped mid-resolution: a new one resumes from the database and ends in the simulator state', async () => {
    const payment = await chargeGcash(10_061n);
    expect(payment.status).toBe('PROCESSING');
    await expect.poll(async () => (await world.load(payment.id)).resolverAttempts, { timeout: 15_000, interval: 100 }).toBeGreaterThan(0);
    await queue.stop(5_000);
    expect((await world.load(payment.id)).status).toBe('PROCESSING');
    queue = await startQueue();
    const final = await waitForFinal(world, payment.id);
    expect(final.status).toBe('SUCCEEDED');
    expect((await world.simPayment(payment.paymentRequestId))?.status).toBe('SUCCESS');
    expect(await world.ledgerFor(payment.paymentRequestId)).toHaveLength(1);
  }, 90_000);
});
