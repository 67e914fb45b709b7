import { log } from '@/lib/log';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveClientIp } from '@/lib/auth/client-ip';
import { env } from '@/lib/env';
import { readBody } from '@/lib/http/read-node-body';
import { notifyRoutePath, type NotificationDeps, type NotifyChannel } from './notification-deps';
import { handleNotification, NOTIFICATION_ANSWER_HEADERS } from './receive-notification';

/**
 * The notify channels the production server answers itself, before Next: payment and refund results, the
 * high-volume kinds whose handling never enqueues a follow-up job. Authorization notifications (which queue
 * applyToken) stay on the Next route handler, as does everything on PGlite (one opener per database).
 */
export const FAST_PATH_CHANNELS = ['payment', 'refund'] as const satisfies readonly NotifyChannel[];

const BY_PATH = new Map<string, NotifyChannel>(FAST_PATH_CHANNELS.map((c) => [notifyRoutePath(c), c]));

/** The channel a POST to this exact request target is for, or null (anything else goes to Next). */
export function fastPathChannel(method: string | undefined, url: string | undefined): NotifyChannel | null {
  if (method !== 'POST' || !url) return null;
  return BY_PATH.get(url) ?? null;
}

/**
 * The same handler as the route handlers (handleNotification), carried by node:http directly: no Fetch
 * Request/Response, no routing, no middleware. Headers are taken undelimited (`headersDistinct`) so a
 * duplicated Signature header is seen as two values and refused, exactly as the Fetch path refuses it.
 */
export async function serveNotificationOverNode(
  deps: NotificationDeps,
  channel: NotifyChannel,
  req: IncomingMessage,
  res: ServerResponse,
  /** Past deadlineMs the answer is a 503 (Antom resends) and onDeadline runs; the handling itself is left to finish. */
  options: { deadlineMs?: number; onDeadline?: () => void } = {},
): Promise<void> {
  let result;
  let timer: NodeJS.Timeout | undefined;
  try {
    const handled = handleNotification(deps, channel, {
      requestPath: (req.url ?? '').slice(0, 500),
      sourceIp: resolveClientIp({ socketIp: req.socket.remoteAddress ?? null, forwardedFor: typeof req.headers['x-forwarded-for'] === 'string' ? req.headers['x-forwarded-for'] : null, trustedHops: env().TRUSTED_PROXY_HOPS }),
      headers: req.headersDistinct,
      readBody: (limit) => readBody(req, limit),
    });
    const deadline = options.deadlineMs
      ? new Promise<'deadline'>((resolve) => {
          timer = setTimeout(() => resolve('deadline'), options.deadlineMs);
        })
      : null;
    const first = deadline ? await Promise.race([handled, deadline]) : await handled;
    if (first === 'deadline') {
      handled.catch(() => {});
      options.onDeadline?.();
      log().warn(`${channel} notification not handled within ${options.deadlineMs} ms: answered 503`);
      result = { status: 503, body: JSON.stringify({ error: { code: 'DEADLINE', message: 'The notification could not be handled in time; please resend.' } }), retryAfter: 1 };
    } else {
      result = first;
    }
  } catch (error) {
    // The connection died while its body was read (the client went away, or the request deadline cut it off
    // and the server's clientError handler answered 408): nobody to answer.
    if (!req.complete && (req.destroyed || req.socket.destroyed)) return;
    log().error(`${channel} notification failed: ${(error as { code?: string }).code ?? (error as Error).name}`);
    result = { status: 500, body: JSON.stringify({ error: { code: 'INTERNAL', message: 'The notification could not be handled; please resend.' } }) };
  }
  clearTimeout(timer);
  if (res.headersSent || res.destroyed) return;
  res.writeHead(result.status, { ...NOTIFICATION_ANSWER_HEADERS, 'content-length': Buffer.byteLength(result.body), ...(result.retryAfter ? { 'retry-after': String(result.retryAfter) } : {}) });
  res.end(result.body);
  // A refused oversized body is not read to its end: drain it so the connection stays usable.
  req.resume();
}
