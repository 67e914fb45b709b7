// reliability.md §6.2 scenario 17, second half: the notification endpoint down for 25 hours, longer than Antom's
// whole resend schedule (9 attempts over 24 h 22 min: 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h), on the
// simulator's compressed clock (100,000×: the 24 hours pass in under a second). Antom gives up; the payments stay
// PROCESSING locally; one run of the open-payments sweep (inquiry by paymentRequestId through the resolver)
// repairs every one, each to the simulator's own state, one debit each. (The first half — a shorter outage
// recovered by the resends alone, up to 24 hours — is tests/integration/notify-ordering.test.ts.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentEvents, type Payment } from '@/lib/db/schema';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { charge } from '@/lib/payments/charge';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { sweepOpenPayments } from '@/lib/payments/sweep-open-payments';
import { startPaymentWorld, waitForFinal, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
let queue: JobQueue;
let down: Server;
let downUrl = '';
let attemptsSeen = 0;

describe(`a 25-hour notification outage, repaired by the sweep (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld({ timeScale: 1 / 100_000 });
    queue = await startJobQueue(world.database, {
      work: true,
      jobs: [resolvePaymentJob] as unknown as JobDefinition<never>[],
      context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
      pollingIntervalSeconds: 0.5,
    });
    // The portal's payment route, down the whole time.
    down = createServer((req, res) => {
      attemptsSeen++;
      req.resume();
      req.on('end', () => res.writeHead(503).end('down'));
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    downUrl = `http://127.0.0.1:${(down.address() as AddressInfo).port}/api/alipay/notify/payment`;
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(5_000);
    await new Promise((resolve) => down?.close(resolve));
    await world?.close();
  });

  it('Antom gives up after 9 attempts; one sweep run settles all three payments from the simulator, one debit each', async () => {
    const made: Payment[] = [];
    for (const amount of [10_061n, 10_061n, 10_062n]) {
      // 10061: in process, then success; 10062: in process, then failed. No resolver now: only a notification could settle them.
      const agreementId = await world.activeAgreement('GCASH');
      const result = await charge(world.deps({ notifyUrl: downUrl, enqueue: async () => {} }), { agreementId, amountMinor: amount, description: '25-hour outage', initiator: { kind: 'schedule' } });
      if (!result.ok) throw new Error(`${result.code}: ${result.error}`);
      expect(result.data.payment.status).toBe('PROCESSING');
      made.push(result.data.payment);
    }
    // The simulator settles them (5 simulated seconds), notifies, and resends on its schedule until it gives up.
    const notificationsOf = () =>
      Object.values(world.sim.simulator.store.state.notifications).filter((n) => n.type === 'PAYMENT_RESULT' && made.some((p) => n.body.includes(p.paymentRequestId)));
    await expect.poll(() => notificationsOf().length === 3 && notificationsOf().every((n) => n.status === 'GAVE_UP'), { timeout: 60_000, interval: 100 }).toBe(true);
    expect(notificationsOf().map((n) => n.attempts)).toEqual([9, 9, 9]);
    expect(attemptsSeen).toBe(27);
    for (const p of made) expect((await world.load(p.id)).status).toBe('PROCESSING');

    // One run of the sweep: every open payment goes to the resolver, which asks the simulator (inquiry).
    const swept = await sweepOpenPayments(world.deps({ enqueue: (...args) => queue.enqueue(...args) }));
    expect(swept).toBe(3);
    for (const p of made) {
      const final = await waitForFinal(world, p.id, 60_000);
      const simStatus = (await world.simPayment(p.paymentRequestId))!.status;
      expect(final.status).toBe({ SUCCESS: 'SUCCEEDED', FAIL: 'FAILED' }[simStatus]);
      const types = (await world.database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, p.id))).map((e) => e.type);
      expect(types).toContain('inquiry');
      expect(types).not.toContain('notification');
      expect(await world.ledgerFor(p.paymentRequestId)).toHaveLength(simStatus === 'SUCCESS' ? 1 : 0);
    }
    expect((await Promise.all(made.map((p) => world.load(p.id)))).map((p) => p.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
  }, 120_000);
});
