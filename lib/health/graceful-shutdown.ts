import type { Server } from 'node:http';
import { beginDraining, requestsInFlight } from './lifecycle';

interface Drainable {
  drain(timeoutMs: number): Promise<{ unfinished: number }>;
  close(): Promise<void>;
}

export interface ShutdownPlan {
  /** The HTTP server to stop accepting on (web). */
  server?: Server;
  /** The job queue to drain (worker, or the web process's in-process worker / enqueue-only queue). */
  queue?: () => Promise<Drainable | undefined>;
  /** Closed last (database pools). */
  closers?: (() => Promise<void>)[];
  graceMs: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Graceful shutdown: readiness turns 503 and the server stops accepting connections, the queue stops
 * taking jobs — both at once; then in-flight requests and running jobs get `graceMs` to finish. Requests
 * still open then are cut; jobs still running are failed back to the queue (another worker retries them:
 * every job is idempotent). Connections closed last. Resolves with the exit code: 0 when everything
 * finished in time, 1 otherwise.
 */
export async function gracefulShutdown(plan: ShutdownPlan): Promise<number> {
  const started = Date.now();
  const deadline = started + plan.graceMs;
  beginDraining();
  const server = plan.server;
  const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
  server?.closeIdleConnections();

  const queueDrain = (async () => {
    const queue = await plan.queue?.().catch(() => undefined);
    if (!queue) return { queue: undefined, unfinished: 0 };
    const { unfinished } = await queue.drain(Math.max(1000, deadline - Date.now()));
    return { queue, unfinished };
  })();

  while (server && requestsInFlight() > 0 && Date.now() < deadline) {
    server.closeIdleConnections();
    await sleep(50);
  }
  const cutRequests = requestsInFlight();
  if (server) {
    server.closeAllConnections();
    await closed;
  }
  const { queue, unfinished } = await queueDrain;
  await queue?.close().catch(() => {});
  for (const close of plan.closers ?? []) await close().catch(() => {});
  const ok = cutRequests === 0 && unfinished === 0;
  plan.log(ok ? 'shutdown complete' : 'shutdown after the grace period with work unfinished', {
    ms: Date.now() - started,
    requestsCut: cutRequests,
    jobsHandedBack: unfinished,
  });
  return ok ? 0 : 1;
}
