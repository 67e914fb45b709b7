// Issue 24: SIGTERM during 50 in-flight charges loses none; a job cut off by SIGKILL is picked up by another
// worker with nothing lost. Real worker processes (scripts/worker.ts) on PostgreSQL against the simulator.
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlipayError } from '@/lib/alipay';
import { payments } from '@/lib/db/schema';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { charge } from '@/lib/payments/charge';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { startPaymentWorld, type LedgerEntry, type PaymentWorld } from '../helpers/payment-world';
import { startPortalProcess, until, worldEnvironment, type PortalProcess } from '../helpers/portal-process';
import { testDatabaseKind } from '../helpers/test-database';

const HOLD_MS = 2000; // the simulator holds each first answer this long: the jobs are in flight meanwhile
let world: PaymentWorld;
let queue: JobQueue;
const started: PortalProcess[] = [];

/** A staff charge whose pay never reached Antom (a connection reset): UNKNOWN, its resolver job queued. */
async function chargeLostOnTheWay(agreementId: string, amountMinor: bigint): Promise<string> {
  const result = await charge(
    world.deps({
      enqueue: (...args) => queue.enqueue(...args),
      alipay: { ...world.alipay, pay: () => Promise.reject(new AlipayError('NETWORK_ERROR', 'connection reset before sending', undefined, 'network')) },
    }),
    { agreementId, amountMinor, description: 'Shutdown test', initiator: { kind: 'staff', actor: world.admin } },
  );
  if (!result.ok) throw new Error(`${result.code}: ${result.error}`);
  expect(result.data.payment.status).toBe('UNKNOWN');
  return result.data.payment.id;
}

async function ledger(): Promise<LedgerEntry[]> {
  return (await world.sim.control<{ entries: LedgerEntry[] }>('/simulator/ledger')).entries;
}

async function rows(ids: string[]) {
  return world.database.db.select().from(payments).where(inArray(payments.id, ids));
}

describe.skipIf(testDatabaseKind() !== 'postgres')('graceful shutdown of real worker processes (postgres)', () => {
  beforeAll(async () => {
    world = await startPaymentWorld({ hangMs: HOLD_MS });
    queue = await startJobQueue(world.database, {
      work: false,
      jobs: [resolvePaymentJob] as unknown as JobDefinition<never>[],
      context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
    });
  }, 60_000);
  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await queue?.stop(2000);
    await world?.close();
  });

  it('SIGTERM with 50 charges in flight: exit 0 within the grace period, every started charge completed exactly once', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    // Amounts ending in 071: the simulator debits at once and holds the answer HOLD_MS.
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await chargeLostOnTheWay(agreementId, 10_071n + 1000n * BigInt(i)));
    const requestIds = new Map((await rows(ids)).map((p) => [p.paymentRequestId, p.id]));

    const environment = worldEnvironment(world, { JOB_CONCURRENCY: '50', SHUTDOWN_GRACE_SECONDS: '25' });
    const first = startPortalProcess('scripts/worker.ts', environment);
    started.push(first);
    // Most resends have reached the simulator (debited) and wait for their held answers.
    await until(async () => (await ledger()).length >= 40, 60_000, 'charges in flight');
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const stopMs = Date.now() - signalled;
    const debitedAtStop = (await ledger()).filter((e) => e.kind === 'DEBIT' && requestIds.has(e.paymentRequestId));
    const afterStop = await rows(ids);
    console.log(`[shutdown] SIGTERM with ${debitedAtStop.length} charge(s) started: exit ${code} after ${stopMs} ms`);
    expect(code, first.lines().slice(-20).join('\n')).toBe(0);
    expect(stopMs).toBeLessThan(25_000);
    expect(debitedAtStop.length).toBeGreaterThanOrEqual(40);
    // Every charge the simulator debited before the exit is SUCCEEDED in the database: none was cut off.
    for (const entry of debitedAtStop) {
      expect(afterStop.find((p) => p.paymentRequestId === entry.paymentRequestId)?.status).toBe('SUCCEEDED');
    }
    expect(first.lines().some((l) => l.includes('"shutdown complete"'))).toBe(true);

    // A second worker takes the rest; nothing is lost and nothing doubled.
    const second = startPortalProcess('scripts/worker.ts', environment);
    started.push(second);
    await until(async () => (await rows(ids)).every((p) => p.status === 'SUCCEEDED'), 90_000, 'every charge to succeed');
    await until(() => second.lines().some((l) => l.includes('worker running')), 30_000, 'the second worker to start');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const debits = (await ledger()).filter((e) => e.kind === 'DEBIT' && requestIds.has(e.paymentRequestId));
    expect(debits).toHaveLength(50);
    expect(new Set(debits.map((e) => e.paymentRequestId)).size).toBe(50);
  }, 180_000);

  it('SIGKILL mid-job: once its lease runs out another worker picks the job up; one debit, payment SUCCEEDED', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const id = await chargeLostOnTheWay(agreementId, 77_071n);
    const [payment] = await rows([id]);
    const environment = worldEnvironment(world, { JOB_MAINTENANCE_INTERVAL_SECONDS: '1' });
    const doomed = startPortalProcess('scripts/worker.ts', environment);
    started.push(doomed);
    await until(async () => (await ledger()).some((e) => e.paymentRequestId === payment!.paymentRequestId), 60_000, 'the resend to reach the simulator');
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    const [cut] = await rows([id]);
    expect(cut!.status).toBe('UNKNOWN'); // the answer never came back to the killed worker

    // The job is still 'active' under the dead worker's lease (its worst-case run + 30 s). Let the lease run
    // out now instead of waiting minutes for it: the maintenance of a live worker then fails it back for a retry.
    const jobs = await world.database.executeSql(
      `update pgboss.job set started_on = now() - expire_in - interval '1 second' where name = 'payment-resolve' and state = 'active' and data->>'paymentId' = $1 returning id`,
      [id],
    );
    expect(jobs.rowCount).toBe(1);
    const rescuer = startPortalProcess('scripts/worker.ts', environment);
    started.push(rescuer);
    await until(async () => (await rows([id]))[0]!.status === 'SUCCEEDED', 60_000, 'the rescued payment to succeed');
    expect(rescuer.lines().some((l) => l.includes('worker running'))).toBe(true);
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
    expect((await ledger()).filter((e) => e.paymentRequestId === payment!.paymentRequestId)).toEqual([expect.objectContaining({ kind: 'DEBIT', amountMinor: '77071' })]);
  }, 120_000);
});
