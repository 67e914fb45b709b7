// The production web server: Next's request handler behind a bare node:http server, so the TCP peer
// address can be handed to route handlers (lib/auth/client-ip.ts) and requests Next would answer with a
// 500 are refused with the right 4xx first (lib/http/request-guard.ts). Started by scripts/launch.ts.
//
// On PostgreSQL it also answers Antom's payment and refund notifications itself, with the very handler the
// Next route handlers use (lib/notifications/serve-notification-node.ts): Next's routing, middleware and
// Fetch objects cost more CPU per request than verifying, storing and applying a notification does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import next from 'next';
import { resolveClientIp, SOCKET_IP_HEADER } from '../lib/auth/client-ip';
import { openDatabase } from '../lib/db/client';
import { env } from '../lib/env';
import { gracefulShutdown } from '../lib/health/graceful-shutdown';
import { lifecyclePhase, requestFinished, requestStarted } from '../lib/health/lifecycle';
import type { JobQueue } from '../lib/jobs/job-queue';
import { errorLine, log } from '../lib/log';
import { acceptCorrelationId, newCorrelationId, runInLogContext, type LogContext } from '../lib/log/context';
import { observeRequest, routeLabel } from '../lib/metrics';
import { readAndReplay } from '../lib/http/replay-node-body';
import { TokenBuckets } from '../lib/http/token-buckets';
import { guardActionBody, guardRequest, isActionPost, isJsonApiPath, jsonRefusal, SERVER_ACTION_BODY_LIMIT, type GuardAnswer } from '../lib/http/request-guard';
import { configuredNotificationDeps } from '../lib/notifications/app-deps';
import type { NotificationDeps } from '../lib/notifications/notification-deps';
import { fastPathChannel, serveNotificationOverNode } from '../lib/notifications/serve-notification-node';

let fastPathDatabase: { close(): Promise<void> } | null = null;

/** The notification fast path's own dependencies (its own small pool), or null to leave all to Next. */
async function notificationFastPath(): Promise<NotificationDeps | null> {
  const config = env();
  if (!config.DATABASE_URL) return null; // PGlite: one opener, and that is Next's process-wide database.
  try {
    const statics = configuredNotificationDeps(config);
    const database = await openDatabase({ url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE });
    // Payment and refund results never queue follow-up work; were one to, the pending-work sweep enqueues it.
    fastPathDatabase = database;
    return { ...statics, db: database.db, enqueue: () => Promise.reject(new Error('no job queue on the notification fast path')) };
  } catch (error) {
    log().warn({ err: errorLine(error) }, "notification fast path off; Next's route handlers answer notifications");
    return null;
  }
}

const port = Number(process.argv[2] ?? '3000');
const app = (next as unknown as typeof import('next').default)({ dev: false, port });
const handle = app.getRequestHandler();
await app.prepare();
let notify = await notificationFastPath();

// A notification not handled within NOTIFICATION_DEADLINE_MS is answered 503 (Antom resends) and the fast path's
// pool is presumed wedged and replaced: after PostgreSQL crashes, postgres.js 3.4.9 can leave queued queries and
// transactions pending forever while the server is back (porsager/postgres#1186, #1193, #1195) — found by the
// database-restart scenario (tests/reliability/database-restart.test.ts), where every later notification hung.
const NOTIFICATION_DEADLINE_MS = 15_000;
let replacingSince = 0;
function replaceWedgedPool(): void {
  if (Date.now() - replacingSince < NOTIFICATION_DEADLINE_MS) return;
  replacingSince = Date.now();
  const old = fastPathDatabase;
  log().warn({ deadlineMs: NOTIFICATION_DEADLINE_MS }, 'notification past its deadline: replacing the fast path database pool');
  void notificationFastPath().then((fresh) => {
    // The database still down: keep the old pool (closing it would leave nothing) and retry at the next deadline.
    if (!fresh) {
      fastPathDatabase = old;
      replacingSince = 0;
      return;
    }
    notify = fresh;
    // Its pending queries may never settle (so neither may its end): closed in the background, not awaited.
    void old?.close().catch(() => {});
  });
}

// Every POST but Antom's notifications (signature-gated, with their own per-address bucket) and the merchant
// API (/api/v1: limited per API key, lib/api/route.ts) takes a token from its address's bucket before any
// work: cheap, per process, sized for many buyers behind one NAT.
const postRate = env().POST_RATE_PER_ADDRESS;
const postBuckets = postRate > 0 ? new TokenBuckets({ capacity: Math.max(20, postRate * 20), refillPerSecond: postRate }) : null;
const trustedHops = env().TRUSTED_PROXY_HOPS;

function postAllowed(req: IncomingMessage): number | null {
  if (!postBuckets || req.method !== 'POST' || (req.url ?? '').startsWith('/api/alipay/notify/') || (req.url ?? '').startsWith('/api/v1/')) return null;
  const forwarded = req.headers['x-forwarded-for'];
  const address = resolveClientIp({ socketIp: req.socket.remoteAddress ?? null, forwardedFor: typeof forwarded === 'string' ? forwarded : null, trustedHops }) ?? 'unknown';
  return postBuckets.take(address) ? null : Math.max(1, postBuckets.retryAfterSeconds(address));
}

function refuse(req: IncomingMessage, res: ServerResponse, refused: GuardAnswer | { status: 429; message: string; retryAfter: number }): void {
  // The JSON routes get a typed JSON error (as their handlers answer); pages and buyer routes plain text.
  const json = isJsonApiPath((req.url ?? '/').split('?')[0]!);
  res.writeHead(refused.status, {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    ...('allow' in refused && refused.allow ? { allow: refused.allow } : {}),
    ...('retryAfter' in refused ? { 'retry-after': String(refused.retryAfter) } : {}),
    connection: 'close',
  });
  res.end(json ? jsonRefusal(refused.status, refused.message) : refused.message);
  req.resume();
}

function toNext(req: IncomingMessage, res: ServerResponse): void {
  // Always overwrite: a client-sent value must never pass for the socket address.
  req.headers[SOCKET_IP_HEADER] = req.socket.remoteAddress ?? '';
  void handle(req, res);
}

const QUIET_ROUTE = /^\/(_next|buyer)\/|^\/api\/health|^\/favicon/;

// Slow-loris: a request (headers and body) must arrive whole within REQUEST_TIMEOUT_SECONDS, checked every
// second; a later one is cut off by node:http, which hands it to the clientError handler below (a typed 408).
const requestTimeoutMs = env().REQUEST_TIMEOUT_SECONDS * 1000;
const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 60_000), connectionsCheckingInterval: 1000 }, (req, res) => {
  // A correlation id per request (the caller's X-Request-Id when it looks like one), on every log line the
  // request writes and in the answer; a charge made by it switches to the charge's id (lib/log/context.ts).
  const requestId = acceptCorrelationId(req.headers['x-request-id']) ?? newCorrelationId();
  const context: LogContext = { correlationId: requestId };
  res.setHeader('x-request-id', requestId);
  const started = performance.now();
  requestStarted();
  res.once('close', () => {
    requestFinished();
    const seconds = (performance.now() - started) / 1000;
    const status = res.writableFinished ? res.statusCode : 499;
    const route = routeLabel(req.url);
    observeRequest(req.method, route, status, seconds);
    const line = { ...context, requestId, method: req.method, route, status, ms: Math.round(seconds * 1000) };
    if (QUIET_ROUTE.test(req.url ?? '')) log().debug(line, 'request');
    else log()[status >= 500 ? 'error' : 'info'](line, 'request');
  });
  // Draining after SIGTERM: answer what arrives on an open keep-alive connection, then close it.
  if (lifecyclePhase() === 'draining') res.setHeader('connection', 'close');
  runInLogContext(context, () => serve(req, res));
});

function serve(req: IncomingMessage, res: ServerResponse): void {
  const refused = guardRequest({ method: req.method, url: req.url, headers: req.headers });
  if (refused) return refuse(req, res, refused);
  const retryAfter = postAllowed(req);
  if (retryAfter !== null) return refuse(req, res, { status: 429, message: 'Too many requests from this address; try again shortly.', retryAfter });
  const channel = notify ? fastPathChannel(req.method, req.url) : null;
  if (notify && channel) {
    void serveNotificationOverNode(notify, channel, req, res, { deadlineMs: NOTIFICATION_DEADLINE_MS, onDeadline: replaceWedgedPool });
    return;
  }
  // A server action's body is vetted first (≤ 1 MB, declared): Next answers a cut or malformed one with a 500.
  if (isActionPost({ method: req.method, url: req.url, headers: req.headers })) {
    readAndReplay(req, SERVER_ACTION_BODY_LIMIT).then(
      (got) => {
        if (!got) return refuse(req, res, { status: 413, message: 'Request body too large.' });
        const bad = guardActionBody({ method: req.method, url: req.url, headers: req.headers }, got.body);
        if (bad) refuse(req, res, bad);
        else toNext(got.replay, res);
      },
      () => res.destroy(),
    );
    return;
  }
  toNext(req, res);
}
/** What node:http could not parse or did not receive in time: a typed JSON answer and the connection closed. */
function clientErrorAnswer(code: string | undefined): { status: number; reason: string; body: string } {
  const typed = (status: number, reason: string, errorCode: string, message: string) => ({ status, reason, body: JSON.stringify({ error: { type: 'invalid_request_error', code: errorCode, message } }) });
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return typed(408, 'Request Timeout', 'request_timeout', `The request was not received whole within ${requestTimeoutMs / 1000} s.`);
  if (code === 'HPE_HEADER_OVERFLOW') return typed(431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are too large.');
  return typed(400, 'Bad Request', 'malformed_request', 'The request is not valid HTTP/1.1.');
}

server.on('clientError', (error: Error & { code?: string }, socket) => {
  // Answered already, or gone: nothing to say on it.
  const answering = (socket as unknown as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = clientErrorAnswer(error.code);
  log().info({ status: answer.status, code: error.code ?? error.name }, 'client error');
  socket.end(`HTTP/1.1 ${answer.status} ${answer.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`);
});
server.listen(port, () => log().info({ port }, 'next listening'));

// SIGTERM (a rolling restart): readiness answers 503, no new connections, in-flight requests and the
// in-process worker's running jobs get SHUTDOWN_GRACE_SECONDS, then the pools close and the process exits.
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  const graceMs = env().SHUTDOWN_GRACE_SECONDS * 1000;
  log().info({ signal, graceMs }, 'stopping: taking no new requests or jobs, finishing in-flight ones');
  const code = await gracefulShutdown({
    server,
    // The in-process worker's (or the enqueue-only) queue, if Next started one (lib/jobs/process-queue.ts).
    queue: async () => (globalThis as unknown as { daikouJobQueue?: Promise<JobQueue> }).daikouJobQueue,
    closers: [
      async () => fastPathDatabase?.close(),
      async () => (await (globalThis as unknown as { daikouDatabase?: Promise<{ close(): Promise<void> }> }).daikouDatabase)?.close(),
    ],
    graceMs,
    log: (message, fields) => log().info(fields ?? {}, message),
  }).catch((error: unknown) => {
    log().error({ err: errorLine(error) }, 'shutdown failed');
    return 1;
  });
  log().flush();
  process.exit(code);
};
// Reliability suite only: a process started with --expose-gc (never in production) forces a full garbage
// collection on SIGUSR2 and logs the heap left, so a test can bound its growth (tests/reliability/route-fuzz.test.ts).
const forceGc = (globalThis as { gc?: () => void }).gc;
if (typeof forceGc === 'function') {
  process.on('SIGUSR2', () => {
    forceGc();
    const { heapUsed, rss } = process.memoryUsage();
    log().info({ heapUsedBytes: heapUsed, rssBytes: rss }, 'heap after gc');
  });
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
