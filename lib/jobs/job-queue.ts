import { randomUUID } from 'node:crypto';
import { errorLine, log } from '@/lib/log';
import { newCorrelationId, runInLogContext } from '@/lib/log/context';
import { metrics } from '@/lib/metrics';
import PgBoss from 'pg-boss';
import type { Database } from '@/lib/db/client';
import type { Enqueue, JobContext, JobDefinition } from './define-job';
import { jobLeaseSeconds } from './job-lease';

export interface JobQueue {
  readonly enqueue: Enqueue;
  /**
   * Stops taking jobs at once and waits (up to `timeoutMs`) for the running ones to finish; enqueueing still
   * works (requests still in flight may enqueue). Jobs still running at the timeout are failed back to the
   * queue and retried by another worker. Resolves with how many did not finish.
   */
  drain(timeoutMs: number): Promise<{ unfinished: number }>;
  /** Closes the queue's connections (after drain). */
  close(): Promise<void>;
  /** drain, then close. */
  stop(timeoutMs?: number): Promise<void>;
  /** Jobs this process is running right now. */
  running(): number;
}

export interface StartJobQueueOptions {
  /** Poll and run handlers (a worker), or only enqueue (a web process when the worker runs alone). */
  work: boolean;
  jobs: readonly JobDefinition<never>[];
  /** Handler context minus `enqueue` (added here). */
  context: Omit<JobContext, 'enqueue'>;
  /** Seconds between polls when idle (default 2). Tests use less. */
  pollingIntervalSeconds?: number;
  /** Jobs of one queue this process runs at once (default 1): that many pg-boss workers per queue. */
  concurrency?: number;
  /**
   * Seconds between pg-boss maintenance runs (default 120, pg-boss's own): among other things it fails back
   * active jobs whose lease (expireInSeconds) ran out — the job of a worker killed mid-run — for a retry.
   */
  maintenanceIntervalSeconds?: number;
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
  const common = {
    schema: JOB_SCHEMA,
    supervise: options.work,
    schedule: options.work,
    migrate: true,
    ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
  };
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const boss =
    database.kind === 'postgres' && database.url
      ? new PgBoss({ ...common, connectionString: database.url, max: Math.min(10, Math.max(4, concurrency + 2)) })
      : new PgBoss({ ...common, db: { executeSql: (text, values) => database.executeSql(text, values) } });
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

  let running = 0;
  if (options.work) {
    const context: JobContext = { ...options.context, enqueue };
    for (const job of options.jobs) {
      for (let i = 0; i < concurrency; i++) {
        await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 }, async ([item]) => {
          if (!item) return;
          running++;
          const started = performance.now();
          // One line per run, with a correlation id of its own until the job names the charge it works on.
          await runInLogContext({ correlationId: newCorrelationId(), job: job.name, jobId: item.id }, async () => {
            try {
              await (job.run as JobDefinition['run'])((item.data ?? {}) as Record<string, unknown>, context);
              observeJob(job.name, 'completed', started);
            } catch (error) {
              observeJob(job.name, 'failed', started, error);
              throw error;
            } finally {
              running--;
            }
          });
        });
      }
    }
  }

  let closed = false;
  const queue: JobQueue = {
    enqueue,
    running: () => running,
    async drain(timeoutMs) {
      // pg-boss stops fetching at once, waits for running handlers (polling every 0.5 s) up to the timeout,
      // then fails the still-running ones back to the queue; close: false keeps enqueue working.
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
      return { unfinished: running };
    },
    async close() {
      if (closed) return;
      closed = true;
      const db = (boss as unknown as { getDb(): { isOurs?: boolean; opened?: boolean; close(): Promise<void> } }).getDb();
      if (db.isOurs && db.opened) await db.close();
    },
    async stop(timeoutMs = 30_000) {
      await queue.drain(timeoutMs);
      await queue.close();
    },
  };
  return queue;
}

function observeJob(queue: string, result: 'completed' | 'failed', started: number, error?: unknown): void {
  const seconds = (performance.now() - started) / 1000;
  metrics().jobs.inc({ queue, result });
  metrics().jobDuration.observe({ queue }, seconds);
  // Ids and the error's first line only: job payloads are ids, but errors from drivers may quote parameters.
  if (error === undefined) log().info({ queue, ms: Math.round(seconds * 1000) }, 'job');
  else log().warn({ queue, ms: Math.round(seconds * 1000), err: errorLine(error) }, 'job failed (retried with back-off)');
}

function defaultOnError(error: Error): void {
  log().error({ err: errorLine(error) }, 'job queue error');
}
