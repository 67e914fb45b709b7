import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipayClient } from '@/lib/alipay';
import { expireStalePendingAgreementsJob } from '@/lib/agreements/expire-stale-pending-agreements.job';
import { PENDING_GRACE_MS } from '@/lib/agreements/expire-stale-pending-agreements';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreements, customers } from '@/lib/db/schema';
import { defineJob, type JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { DEFAULT_WORK_SECONDS, jobLeaseSeconds, LEASE_MARGIN_SECONDS } from '@/lib/jobs/job-lease';
import { listFailedJobs } from '@/lib/jobs/list-failed-jobs';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
const queues: JobQueue[] = [];
const runs = new Map<string, number>();
let flakyAttempts = 0;
let slowFinished = false;

const countJob = defineJob<{ key: string }>({
  name: 'test-count',
  calls: [],
  run: async ({ key }) => {
    runs.set(key, (runs.get(key) ?? 0) + 1);
  },
});
const flakyJob = defineJob({
  name: 'test-flaky',
  calls: [],
  retryLimit: 3,
  retryDelaySeconds: 1,
  run: async () => {
    flakyAttempts += 1;
    if (flakyAttempts === 1) throw new Error('first attempt fails');
  },
});
const brokenJob = defineJob({
  name: 'test-broken',
  calls: [],
  retryLimit: 0,
  run: async () => {
    throw new Error('always broken');
  },
});
const slowJob = defineJob({
  name: 'test-slow',
  calls: [],
  run: async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    slowFinished = true;
  },
});
const JOBS = [countJob, flakyJob, brokenJob, slowJob, expireStalePendingAgreementsJob] as JobDefinition<never>[];

async function start(work = true): Promise<JobQueue> {
  const queue = await startJobQueue(database, {
    work,
    jobs: JOBS,
    context: { db: database.db, alipay: { worstCaseCallMs: () => 1_000 } as unknown as AlipayClient, vault: new TokenVault(randomBytes(32), randomBytes(32)), now: () => new Date() },
    pollingIntervalSeconds: 0.5,
  });
  queues.push(queue);
  return queue;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`job queue on pg-boss (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    for (const queue of queues) await queue.stop(2000).catch(() => {});
    await database?.close();
  });

  it('runs the PENDING-expiry job on the same database the app uses', async () => {
    const [customer] = await database.db.insert(customers).values({ reference: 'jobs', name: 'Jobs' }).returning({ id: customers.id });
    const [row] = await database.db
      .insert(agreements)
      .values({
        customerId: customer!.id,
        paymentMethod: 'GCASH',
        status: 'PENDING',
        terminalType: 'WEB',
        authStateIndex: 'jobs-state',
        authStateExpiresAt: new Date(Date.now() - PENDING_GRACE_MS - 60_000),
        buyerBindingIndex: 'b',
      })
      .returning({ id: agreements.id });
    const queue = await start();
    await queue.enqueue(expireStalePendingAgreementsJob.name, {});
    await until(async () => (await database.db.select().from(agreements).where(eq(agreements.id, row!.id)))[0]?.status === 'EXPIRED');
  });

  it("each queue's lease (pg-boss expire_seconds) is the job's worst-case run, and follows a changed definition", async () => {
    const leaseOf = async (name: string) => {
      const { rows } = await database.executeSql('select expire_seconds from pgboss.queue where name = $1', [name]);
      return Number((rows[0] as { expire_seconds: number }).expire_seconds);
    };
    const client = { worstCaseCallMs: () => 1_000 } as unknown as AlipayClient;
    for (const job of JOBS) expect(await leaseOf(job.name), job.name).toBe(jobLeaseSeconds(job, client));
    expect(await leaseOf('test-count')).toBe(DEFAULT_WORK_SECONDS + LEASE_MARGIN_SECONDS);
    // The same queue declared again with slower calls: the existing queue takes the new lease.
    const slower = defineJob({ name: 'test-count', calls: [{ operation: 'pay', count: 100 }], run: async () => {} });
    const other = await startJobQueue(database, { work: false, jobs: [slower] as JobDefinition<never>[], context: { db: database.db, alipay: client, vault: new TokenVault(randomBytes(32), randomBytes(32)), now: () => new Date() } });
    await other.stop(2000);
    expect(await leaseOf('test-count')).toBe(DEFAULT_WORK_SECONDS + 100 + LEASE_MARGIN_SECONDS);
  });

  it('retries a failing job with back-off until it succeeds', async () => {
    const queue = queues[0]!;
    await queue.enqueue(flakyJob.name, {});
    await until(() => flakyAttempts >= 2);
    expect(flakyAttempts).toBe(2);
  });

  it('keeps a job that used up its retries visible as failed to admins: ids only, its error, attempts; pages by keyset', async () => {
    const admin = { role: 'admin' as const };
    const queue = queues[0]!;
    await queue.enqueue(brokenJob.name, { paymentId: 'p-1', note: 'not an id', agreementId: 'a-1' });
    await queue.enqueue(brokenJob.name, { paymentId: 'p-2' });
    await queue.enqueue(brokenJob.name, { paymentId: 'p-3' });
    const broken = async () => (await listFailedJobs(database.db, admin)).items.filter((job) => job.name === brokenJob.name);
    await until(async () => (await broken()).length === 3);
    const [failed] = (await broken()).filter((job) => job.ids.paymentId === 'p-1');
    expect(failed).toMatchObject({ ids: { paymentId: 'p-1', agreementId: 'a-1' }, error: 'always broken', attempts: 1 });
    expect(failed!.ids).not.toHaveProperty('note');
    expect(failed!.failedAt).toBeInstanceOf(Date);

    // Two per page: newest failure first, then the rest, then nothing; a cursor that is not a job id shows nothing.
    const first = await listFailedJobs(database.db, admin, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1]!.id);
    const second = await listFailedJobs(database.db, admin, { limit: 2, after: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((j) => j.ids.paymentId))).toEqual(new Set(['p-1', 'p-2', 'p-3']));
    expect(first.items[0]!.failedAt!.getTime()).toBeGreaterThanOrEqual(first.items[1]!.failedAt!.getTime());
    expect(await listFailedJobs(database.db, admin, { after: 'not-a-job' })).toEqual({ items: [], nextCursor: null });

    // Admins only: the service refuses operators and viewers itself.
    for (const role of ['operator', 'viewer'] as const) await expect(listFailedJobs(database.db, { role })).rejects.toMatchObject({ permission: 'jobs.read' });
  });

  it('one waiting job per singleton key: enqueueing the same key twice runs it once', async () => {
    const queue = await start(false);
    await queue.enqueue(countJob.name, { key: 'single' }, { singletonKey: 'single', startAfterSeconds: 1 });
    await queue.enqueue(countJob.name, { key: 'single' }, { singletonKey: 'single', startAfterSeconds: 1 });
    await until(() => runs.get('single') === 1);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(runs.get('single')).toBe(1);
  });

  it('stops gracefully: a running job finishes before stop() returns', async () => {
    await queues[0]!.enqueue(slowJob.name, {});
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(slowFinished).toBe(false);
    // Whichever worker picked it up, stopping them all must wait for it.
    await Promise.all(queues.splice(0).map((queue) => queue.stop(10_000)));
    expect(slowFinished).toBe(true);
  });

  it.runIf(testDatabaseKind() === 'postgres')('two workers on one PostgreSQL database run each of 60 jobs exactly once', async () => {
    await start();
    await start();
    const producer = queues[queues.length - 1]!;
    for (let i = 0; i < 60; i++) await producer.enqueue(countJob.name, { key: `two-${i}` });
    await until(() => [...runs.keys()].filter((k) => k.startsWith('two-')).length === 60, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect([...runs.entries()].filter(([k]) => k.startsWith('two-')).every(([, n]) => n === 1)).toBe(true);
  }, 60_000);
});
