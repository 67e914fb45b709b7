import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database } from '@/lib/db/client';
import type { Enqueue, JobContext, JobDefinition } from './define-job';
import { jobLeaseSeconds } from './job-lease';

export interface JobQueue {
  readonly enqueue: Enqueue;
  /** Finishes running jobs (up to `timeoutMs`), then stops polling; unfinished jobs are retried later. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartJobQueueOptions {
  /** Poll and run handlers (a worker), or only enqueue (a web process when the worker runs alone). */
  work: boolean;
  jobs: readonly JobDefinition<never>[];
  /** Handler context minus `enqueue` (added here). */
  context: Omit<JobContext, 'enqueue'>;
  /** Seconds between polls when idle (default 2). Tests use less. */
  pollingIntervalSeconds?: number;
  onError?: (error: Error) => void;
}

/** pg-boss keeps its tables in their own schema of the same database: one system to run. */
export const JOB_SCHEMA = 'pgboss';

/**
 * Starts pg-boss 10 on the application's database: its own pool on PostgreSQL, the shared connection on
 * PGlite (one opener). Creates every queue with its retry policy, schedules the cron sweeps, and, when
 * `work` is set, runs the handlers. Safe with any number of workers on PostgreSQL (SKIP LOCKED).
 */
export async function startJobQueue(database: Database, options: StartJobQueueOptions): Promise<JobQueue> {
  const boss =
    database.kind === 'postgres' && database.url
      ? new PgBoss({ connectionString: database.url, schema: JOB_SCHEMA, max: 4, supervise: options.work, schedule: options.work, migrate: true })
      : new PgBoss({ db: { executeSql: (text, values) => database.executeSql(text, values) }, schema: JOB_SCHEMA, supervise: options.work, schedule: options.work, migrate: true });
  boss.on('error', (error) => (options.onError ?? defaultOnError)(error));
  await boss.start();

  const enqueue: Enqueue = async (name, data, enqueueOptions = {}) => {
    await boss.send(name, data, {
      ...(enqueueOptions.startAfterSeconds ? { startAfter: Math.max(1, Math.ceil(enqueueOptions.startAfterSeconds)) } : {}),
      // Queues are 'stately' (one waiting job per key); an unkeyed job gets a key of its own.
      singletonKey: enqueueOptions.singletonKey ?? randomUUID(),
    });
  };

  for (const job of options.jobs) {
    // 'stately' keeps at most one queued and one active job per singletonKey; keys are optional.
    const policy = {
      name: job.name,
      policy: 'stately' as const,
      retryLimit: job.retryLimit ?? 5,
      retryDelay: job.retryDelaySeconds ?? 2,
      retryBackoff: true,
      expireInSeconds: jobLeaseSeconds(job, options.context.alipay),
    };
    // createQueue leaves an existing queue as it was: update it, so a changed definition or
    // ALIPAY_TIMEOUT_MS applies to the jobs sent from now on.
    await boss.createQueue(job.name, policy);
    await boss.updateQueue(job.name, policy);
    if (job.cron && options.work) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
  }

  if (options.work) {
    const context: JobContext = { ...options.context, enqueue };
    for (const job of options.jobs) {
      await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 }, async ([item]) => {
        if (item) await (job.run as JobDefinition['run'])((item.data ?? {}) as Record<string, unknown>, context);
      });
    }
  }

  return {
    enqueue,
    async stop(timeoutMs = 30_000) {
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
    },
  };
}

function defaultOnError(error: Error): void {
  // Code and message only: job payloads are ids, but errors from drivers may quote parameters.
  console.error(`[worker] ${error.name}: ${error.message.split('\n')[0]}`);
}
