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
  /** Told of each startup step retried after a race with another process (tests count them). */
  onStartupRetry?: (error: Error) => void;
}

/**
 * PostgreSQL codes of a lost race between processes starting their queues at once: pg-boss's create_queue()
 * is not serialised, so two of them attaching partitions of pgboss.job while each holds a row of
 * pgboss.queue deadlock (40P01), and a queue created by the other process in between can surface as a
 * unique violation (23505). The losing statement was rolled back whole; running it again is safe.
 */
const STARTUP_RACE_CODES = new Set(['40P01', '23505', '40001']);
/** Tries of one startup step before its error is thrown (about 3 s of back-off in all). */
export const STARTUP_ATTEMPTS = 6;

export function isStartupRace(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' && STARTUP_RACE_CODES.has(code);
}

/** Runs one idempotent startup step, again (bounded, jittered back-off) when it lost a race with another process. */
export async function retryStartupRace<T>(step: string, run: () => Promise<T>, onRetry?: (error: Error) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isStartupRace(error) || attempt >= STARTUP_ATTEMPTS) throw error;
      const delayMs = Math.round(50 * 2 ** (attempt - 1) * (0.5 + Math.random()));
      log().warn({ step, attempt, code: (error as { code: string }).code, delayMs }, 'job queue startup lost a race with another process; retrying');
      onRetry?.(error as Error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
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
    // Each step is idempotent and retried when another process starting at the same time wins a race.
    await retryStartupRace(`create queue ${job.name}`, () => boss.createQueue(job.name, policy), options.onStartupRetry);
    await retryStartupRace(`update queue ${job.name}`, () => boss.updateQueue(job.name, policy), options.onStartupRetry);
    const cron = job.cron;
    if (cron && options.work) await retryStartupRace(`schedule ${job.name}`, () => boss.schedule(job.name, cron, {}, { tz: 'UTC' }), options.onStartupRetry);
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
