import { log } from '@/lib/log';
import { env } from '@/lib/env';
import { getProcessQueue } from './process-queue';

/** Called from instrumentation.ts: starts the handlers in the web process when WORKER_IN_PROCESS holds. */
export async function startInProcessWorker(): Promise<void> {
  const config = env();
  if (!config.WORKER_IN_PROCESS || config.NODE_ENV === 'test') return;
  const queue = await getProcessQueue({ work: true });
  log().info('job worker: running inside the web process');
  // In production SIGTERM is handled by the server (scripts/serve-next.ts), which drains requests and this
  // queue together; `next dev` has no such server, so stop the queue here.
  if (config.NODE_ENV === 'development') process.once('SIGTERM', () => void queue.stop(config.SHUTDOWN_GRACE_SECONDS * 1000));
}
