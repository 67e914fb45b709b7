// Issue 24 (a): two processes starting the job queue on one fresh PostgreSQL at once (a rolling deploy, or a
// web process and a worker started together). pg-boss's create_queue() is not serialised: two transactions
// attaching partitions of pgboss.job while each holds a row lock on pgboss.queue deadlock (40P01), and a
// half-created queue can surface as a unique violation (23505). startJobQueue retries such startups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipayClient } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { JOBS } from '@/lib/jobs/registry';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
// One round already deadlocks most runs (each deadlock costs PostgreSQL's deadlock_timeout, 1 s); more in the reliability suite.
const ROUNDS = Number(process.env.STARTUP_RACE_ROUNDS ?? 1);

function start(onRetry: (error: Error) => void): Promise<JobQueue> {
  return startJobQueue(database, {
    work: false,
    jobs: JOBS,
    context: { db: database.db, alipay: { worstCaseCallMs: () => 1_000 } as unknown as AlipayClient, vault: {} as TokenVault, now: () => new Date() },
    onStartupRetry: onRetry,
  });
}

describe.skipIf(testDatabaseKind() !== 'postgres')('job queue startup race (postgres)', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('two queue starts at once on a fresh database both succeed, every queue created once', async () => {
    const retries: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A fresh pg-boss schema each round: the race is in creating it and its queues.
      await database.executeSql('drop schema if exists pgboss cascade', []);
      const started = await Promise.allSettled([start((e) => retries.push(e.message)), start((e) => retries.push(e.message))]);
      const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
      expect(failures).toEqual([]);
      for (const s of started) if (s.status === 'fulfilled') await s.value.stop(1000);
      const queues = await database.executeSql('select name from pgboss.queue', []);
      expect(queues.rows.map((r) => (r as { name: string }).name).sort()).toEqual(JOBS.map((j) => j.name).sort());
    }
    console.log(`[job-queue-startup] ${ROUNDS} round(s) of two concurrent starts; ${retries.length} startup retr${retries.length === 1 ? 'y' : 'ies'}: ${[...new Set(retries)].join(' | ')}`);
  }, 120_000);
});
