// Issue 24 (4): several instances on one PostgreSQL. Two production web servers (scripts/serve-next.ts, a built
// .next) and two workers (scripts/worker.ts), as a merchant runs them behind a load balancer; the simulator,
// Antom's stand-in, runs in this test process. Through both web processes at once it drives the merchant API's
// charges (each request sent to both with one Idempotency-Key), the duplicate-notification storm (reliability.md
// §6.2 scenario 1), the refund race (scenario 4) and a billing run taken by both workers. Each effect must
// happen exactly once, and the simulator's ledger and the database must agree.
import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, signNotification } from '@/lib/alipay';
import { createApiKey } from '@/lib/api/api-keys';
import { chargeIntents, inboxEvents, payments, refunds, schedulePeriods } from '@/lib/db/schema';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { charge } from '@/lib/payments/charge';
import { PAYMENT_NOTIFY_PATH } from '@/lib/payments/payment-notify-path';
import { createSchedule } from '@/lib/schedules/create-schedule';
import { runBillingJob } from '@/lib/schedules/run-billing.job';
import { startPaymentWorld, type LedgerEntry, type PaymentWorld } from '../helpers/payment-world';
import { freePort, startPortalProcess, until, worldEnvironment, type PortalProcess } from '../helpers/portal-process';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
let queue: JobQueue;
let apiSecret: string;
const webs: { url: string; process: PortalProcess }[] = [];
const workers: PortalProcess[] = [];

async function ledger(): Promise<LedgerEntry[]> {
  return (await world.sim.control<{ entries: LedgerEntry[] }>('/simulator/ledger')).entries;
}

async function api(webUrl: string, path: string, body: unknown, idempotencyKey: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${webUrl}/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiSecret}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, text: await response.text() };
}

/** How often the payment moved to SUCCEEDED (its timeline's status changes). */
async function successTransitions(paymentId: string): Promise<number> {
  const result = await world.database.executeSql(`select count(*)::int as n from payment_events where payment_id = $1 and type = 'status_changed' and detail->>'to' = 'SUCCEEDED'`, [paymentId]);
  return (result.rows[0] as { n: number }).n;
}

describe.skipIf(testDatabaseKind() !== 'postgres')('several instances on one PostgreSQL: two web processes, two workers (postgres)', () => {
  beforeAll(async () => {
    world = await startPaymentWorld({ timeScale: 1 / 200 });
    const key = await createApiKey(world.database.db, world.admin, { name: 'multi-instance', scope: 'read_write', allowedIps: [] }, 'test');
    if (!key.ok) throw new Error(key.error);
    apiSecret = key.data.secret;
    const ports = [await freePort(), await freePort()];
    const environment = worldEnvironment(world, {
      APP_URL: `http://127.0.0.1:${ports[0]}`,
      NEXTAUTH_URL: `http://127.0.0.1:${ports[0]}`,
      WORKER_IN_PROCESS: 'false',
      JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
      SHUTDOWN_GRACE_SECONDS: '5',
      POST_RATE_PER_ADDRESS: '100000',
      API_RATE_PER_SECOND: '1000',
      API_RATE_BURST: '1000',
    });
    for (const port of ports) {
      const url = `http://127.0.0.1:${port}`;
      const p = startPortalProcess('scripts/serve-next.ts', environment, [String(port)]);
      webs.push({ url, process: p });
    }
    for (let i = 0; i < 2; i++) workers.push(startPortalProcess('scripts/worker.ts', environment));
    for (const web of webs) {
      await until(
        async () => {
          if (web.process.child.exitCode !== null) throw new Error(`web exited early:\n${web.process.lines().slice(-20).join('\n')}`);
          return fetch(`${web.url}/api/health/live`).then((r) => r.ok, () => false);
        },
        120_000,
        'a web process to answer',
      );
    }
    for (const worker of workers) {
      await until(
        () => {
          if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.lines().slice(-20).join('\n')}`);
          return worker.lines().some((l) => l.includes('worker running'));
        },
        60_000,
        'a worker to start',
      );
    }
    queue = await startJobQueue(world.database, {
      work: false,
      jobs: [runBillingJob] as unknown as JobDefinition<never>[],
      context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
    });
  }, 240_000);

  afterAll(async () => {
    for (const p of [...webs.map((w) => w.process), ...workers]) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        await Promise.race([p.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      }
    }
    await queue?.stop(2000);
    await world?.close();
  });

  it('20 API charges, each POSTed to both web processes at once with one Idempotency-Key: one attempt and one debit each, the same answer from both', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const made = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const reference = `mi-${randomUUID().slice(0, 8)}`;
        const body = { agreement_id: agreementId, amount: String(10_000 + i * 100), currency: 'PHP', description: 'Two instances', reference };
        const key = `mi-charge-${randomUUID()}`;
        const answers = await Promise.all(webs.map((web) => api(web.url, '/v1/charges', body, key)));
        return { reference, answers };
      }),
    );
    const prids: string[] = [];
    for (const { reference, answers } of made) {
      // One of the two may still be running when the other arrives (409, retry later); a stored answer is replayed byte for byte.
      const done = answers.filter((a) => a.status === 201);
      expect(done.length, JSON.stringify(answers)).toBeGreaterThanOrEqual(1);
      for (const a of answers) expect([201, 409], a.text).toContain(a.status);
      if (done.length === 2) expect(done[0]!.text).toBe(done[1]!.text);
      const attempts = await world.database.db
        .select({ prid: payments.paymentRequestId, status: payments.status })
        .from(payments)
        .innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId))
        .where(eq(chargeIntents.businessKey, reference));
      expect(attempts).toHaveLength(1);
      expect(attempts[0]!.status).toBe('SUCCEEDED');
      prids.push(attempts[0]!.prid);
    }
    const debits = (await ledger()).filter((e) => e.kind === 'DEBIT' && prids.includes(e.paymentRequestId));
    expect(debits).toHaveLength(20);
    expect(new Set(debits.map((d) => d.paymentRequestId)).size).toBe(20);
  }, 180_000);

  it("the duplicate-notification storm: 50 copies of one signed PAYMENT_RESULT split over both web processes at once — 50 acknowledgements, one transition, one inbox row", async () => {
    const agreementId = await world.activeAgreement('GCASH');
    // 30,061: in process at first, then success at the simulator; its own notifications go nowhere, so the storm
    // (or the workers' inquiry, whichever is first) settles it.
    const result = await charge(world.deps({ notifyUrl: 'http://127.0.0.1:9/unreachable' }), { agreementId, amountMinor: 30_061n, description: 'Storm', initiator: { kind: 'staff', actor: world.admin } });
    if (!result.ok) throw new Error(`${result.code}: ${result.error}`);
    const payment = result.data.payment;
    expect(payment.status).toBe('PROCESSING');
    // Antom notifies after it has settled: wait for the simulator's debit first.
    const debited = async () => (await ledger()).filter((e) => e.kind === 'DEBIT' && e.paymentRequestId === payment.paymentRequestId);
    await until(async () => (await debited()).length > 0, 60_000, 'the simulator to settle the payment');
    const signed = signNotification({
      path: PAYMENT_NOTIFY_PATH,
      clientId: world.sim.clientId,
      privateKey: loadPrivateKey(world.sim.keys.simulatorPrivateKeyPem),
      keyVersion: '1',
      body: {
        notifyType: 'PAYMENT_RESULT',
        result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
        paymentRequestId: payment.paymentRequestId,
        paymentId: `2026${payment.paymentRequestId.replace(/-/g, '').slice(0, 20)}`,
        paymentAmount: { currency: 'PHP', value: '30061' },
        paymentCreateTime: new Date().toISOString().replace('Z', '+00:00'),
        paymentTime: new Date().toISOString().replace('Z', '+00:00'),
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${webs[i % 2]!.url}${PAYMENT_NOTIFY_PATH}`, { method: 'POST', headers: signed.headers, body: signed.rawBody, signal: AbortSignal.timeout(60_000) }).then(async (r) => ({ status: r.status, text: await r.text() })),
      ),
    );
    for (const a of answers) {
      expect(a.status, a.text).toBe(200);
      expect(JSON.parse(a.text)).toMatchObject({ result: { resultStatus: 'S' } });
    }
    const [final] = await world.database.db.select().from(payments).where(eq(payments.id, payment.id));
    expect(final!.status).toBe('SUCCEEDED');
    expect(await successTransitions(payment.id)).toBe(1);
    const inbox = await world.database.db.select().from(inboxEvents).where(and(eq(inboxEvents.channel, 'payment'), eq(inboxEvents.objectRef, payment.paymentRequestId)));
    expect(inbox).toHaveLength(1);
    expect(await debited()).toHaveLength(1);
  }, 120_000);

  it('the refund race: 6,000 and 6,000 of a 10,000 charge asked of both web processes at once — one refund, one refund in the ledger, the other refused', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const paid = await charge(world.deps({ notifyUrl: `${webs[0]!.url}${PAYMENT_NOTIFY_PATH}` }), { agreementId, amountMinor: 10_000n, description: 'Refund race', initiator: { kind: 'staff', actor: world.admin } });
    if (!paid.ok) throw new Error(`${paid.code}: ${paid.error}`);
    expect(paid.data.payment.status).toBe('SUCCEEDED');
    const body = { charge_id: paid.data.payment.intentId, amount: '6000', reason: 'Race' };
    const answers = await Promise.all(webs.map((web) => api(web.url, '/v1/refunds', body, `mi-refund-${randomUUID()}`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0], JSON.stringify(answers)).toBe(201);
    expect(statuses[1], JSON.stringify(answers)).toBeGreaterThanOrEqual(400);
    expect(statuses[1], JSON.stringify(answers)).toBeLessThan(500);
    const rows = await world.database.db.select().from(refunds).where(eq(refunds.paymentId, paid.data.payment.id));
    expect(rows).toHaveLength(1);
    await until(async () => (await world.database.db.select().from(refunds).where(eq(refunds.paymentId, paid.data.payment.id)))[0]!.status === 'SUCCEEDED', 90_000, 'the refund to succeed');
    const inLedger = (await ledger()).filter((e) => e.kind === 'REFUND' && e.paymentRequestId === paid.data.payment.paymentRequestId);
    expect(inLedger).toEqual([expect.objectContaining({ amountMinor: '6000' })]);
    const [after] = await world.database.db.select().from(payments).where(eq(payments.id, paid.data.payment.id));
    expect(after!.refundedMinor).toBe(6000n);
  }, 180_000);

  it('a billing run of 40 due periods taken by both workers at once: each period paid once, one debit each', async () => {
    const yesterday = new Date(Date.now() - 36 * 3600_000);
    const scheduleIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const agreementId = await world.activeAgreement('GCASH');
      for (let j = 0; j < 10; j++) {
        const made = await createSchedule(world.database.db, world.admin, { agreementId, amount: `${100 + i * 10 + j}.00`, description: 'Two workers', intervalUnit: 'month', intervalCount: 1, startDate: yesterday.toISOString().slice(0, 10), timeZone: 'UTC' }, yesterday);
        if (!made.ok) throw new Error(made.error);
        scheduleIds.push(made.data.id);
      }
    }
    // Several runs queued at once: both workers take one and claim from the same due schedules.
    for (let i = 0; i < 4; i++) await queue.enqueue(runBillingJob.name, {}, { singletonKey: `mi-billing-${i}-${randomUUID()}` });
    const periods = async () =>
      (await Promise.all(scheduleIds.map((id) => world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, id))))).flat();
    await until(async () => (await periods()).filter((p) => p.status === 'paid').length === 40, 120_000, '40 periods to be paid');
    const rows = await periods();
    expect(rows).toHaveLength(40);
    expect(rows.every((p) => p.status === 'paid' && p.periodNumber === 0)).toBe(true);
    const attempts = (
      await Promise.all(
        scheduleIds.map((id) =>
          world.database.db
            .select({ prid: payments.paymentRequestId, status: payments.status })
            .from(payments)
            .innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId))
            .where(like(chargeIntents.businessKey, `sch_${id}_%`)),
        ),
      )
    ).flat();
    expect(attempts).toHaveLength(40);
    expect(attempts.every((a) => a.status === 'SUCCEEDED')).toBe(true);
    const prids = attempts.map((a) => a.prid);
    const debits = (await ledger()).filter((e) => e.kind === 'DEBIT' && prids.includes(e.paymentRequestId));
    expect(debits).toHaveLength(40);
    // Both workers did billing work (their job lines name the billing run).
    const ran = workers.map((w) => w.lines().filter((l) => l.includes('"job":"schedules-billing-run"')).length);
    console.log(`[multi-instance] billing-run jobs per worker: ${ran.join(', ')}`);
  }, 180_000);
});
