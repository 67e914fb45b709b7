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
import { readAndReplay } from '../lib/http/replay-node-body';
import { TokenBuckets } from '../lib/http/token-buckets';
import { guardActionBody, guardRequest, isActionPost, SERVER_ACTION_BODY_LIMIT, type GuardAnswer } from '../lib/http/request-guard';
import { configuredNotificationDeps } from '../lib/notifications/app-deps';
import type { NotificationDeps } from '../lib/notifications/notification-deps';
import { fastPathChannel, serveNotificationOverNode } from '../lib/notifications/serve-notification-node';

/** The notification fast path's own dependencies (its own small pool), or null to leave all to Next. */
async function notificationFastPath(): Promise<NotificationDeps | null> {
  const config = env();
  if (!config.DATABASE_URL) return null; // PGlite: one opener, and that is Next's process-wide database.
  try {
    const statics = configuredNotificationDeps(config);
    const database = await openDatabase({ url: config.DATABASE_URL, maxConnections: 10 });
    // Payment and refund results never queue follow-up work; were one to, the pending-work sweep enqueues it.
    return { ...statics, db: database.db, enqueue: () => Promise.reject(new Error('no job queue on the notification fast path')) };
  } catch (error) {
    console.warn(`[daikou] notification fast path off (${(error as Error).message}); Next's route handlers answer them`);
    return null;
  }
}

const port = Number(process.argv[2] ?? '3000');
const app = (next as unknown as typeof import('next').default)({ dev: false, port });
const handle = app.getRequestHandler();
await app.prepare();
const notify = await notificationFastPath();

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
  res.writeHead(refused.status, {
    'content-type': 'text/plain; charset=utf-8',
    ...('allow' in refused && refused.allow ? { allow: refused.allow } : {}),
    ...('retryAfter' in refused ? { 'retry-after': String(refused.retryAfter) } : {}),
    connection: 'close',
  });
  res.end(refused.message);
  req.resume();
}

function toNext(req: IncomingMessage, res: ServerResponse): void {
  // Always overwrite: a client-sent value must never pass for the socket address.
  req.headers[SOCKET_IP_HEADER] = req.socket.remoteAddress ?? '';
  void handle(req, res);
}

createServer((req, res) => {
  const refused = guardRequest({ method: req.method, url: req.url, headers: req.headers });
  if (refused) return refuse(req, res, refused);
  const retryAfter = postAllowed(req);
  if (retryAfter !== null) return refuse(req, res, { status: 429, message: 'Too many requests from this address; try again shortly.', retryAfter });
  const channel = notify ? fastPathChannel(req.method, req.url) : null;
  if (notify && channel) {
    void serveNotificationOverNode(notify, channel, req, res);
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
}).listen(port, () => console.log(`[daikou] next listening on ${port}`));
