import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDatabase } from '@/lib/db';
import { env, gatewayMode } from '@/lib/env';
import { startWebhookDispatcher } from '@/lib/webhooks/dispatch-webhooks';
import { getAlipayClient } from '@/lib/gateway/alipay-client';
import type { Enqueue } from './define-job';
import { startJobQueue, type JobQueue } from './job-queue';
import { JOBS } from './registry';

const globalForJobs = globalThis as unknown as { daikouJobQueue?: Promise<JobQueue> };

/**
 * This process's job queue, started once: running the handlers when this process is a worker
 * (`npm run worker`, or the web process with WORKER_IN_PROCESS, the default on PGlite), enqueue-only otherwise.
 */
export function getProcessQueue(options: { work?: boolean } = {}): Promise<JobQueue> {
  globalForJobs.daikouJobQueue ??= (async () => {
    const config = env();
    const database = await getDatabase();
    const work = options.work ?? config.WORKER_IN_PROCESS;
    const queue = await startJobQueue(database, {
      work,
      jobs: JOBS,
      concurrency: config.JOB_CONCURRENCY,
      maintenanceIntervalSeconds: config.JOB_MAINTENANCE_INTERVAL_SECONDS,
      context: {
        db: database.db,
        alipay: getAlipayClient(),
        vault: getTokenVault(),
        now: () => new Date(),
      },
    });
    if (!work) return queue;
    // A worker also runs the webhook dispatcher (it watches the outbox); draining stops it first.
    const dispatcher = startWebhookDispatcher(database, { vault: getTokenVault(), live: gatewayMode(config) === 'antom' });
    const drain = queue.drain.bind(queue);
    queue.drain = async (timeoutMs) => {
      await dispatcher.stop();
      return drain(timeoutMs);
    };
    return queue;
  })();
  return globalForJobs.daikouJobQueue;
}

/** Enqueue from domain code in the web process (the queue starts on first use). */
export const enqueueJob: Enqueue = async (name, data, options) => (await getProcessQueue()).enqueue(name, data, options);

/** This process's queue if it has been started (the shutdown path must not start one). */
export function startedProcessQueue(): Promise<JobQueue> | undefined {
  return globalForJobs.daikouJobQueue;
}
