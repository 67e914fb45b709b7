import { faultPoint } from '@/lib/faults/fault-point';
import { createHash, randomUUID } from 'node:crypto';
import { log as logger } from '@/lib/log';
import { correlate, withLogContext } from '@/lib/log/context';
import { metrics } from '@/lib/metrics';
import { eq, sql } from 'drizzle-orm';
import {
  isAlipayError,
  NOTIFICATION_ACK_BODY,
  parseNotification,
  verifyNotification,
  type AlipayNotification,
  type NotificationHeaders,
  type VerifiedNotification,
} from '@/lib/alipay';
import { rowsOf } from '@/lib/db/rows-of';
import { inboxEvents, notificationDeliveries } from '@/lib/db/schema';
import { finalPaymentResult } from './apply-payment-notification';
import { applyPaymentResultAtOnce } from './apply-payment-result-at-once';
import { applyVerifiedNotification, notificationTypeOf } from './apply-verified-notification';
import { dedupeKey } from './dedupe-key';
import { DELIVERY_COLUMNS, deliveryTuple, INBOX_COLUMNS, inboxTuple, type InboxRow } from './inbox-sql';
import { maskBodyText, maskHeaders } from './mask';
import { MAX_NOTIFICATION_BYTES, type NotificationDeps, type NotifyChannel } from './notification-deps';
import { APPLY_AUTH_CODE_JOB } from './notification-effect';
import { readCappedBody } from './read-capped-body';
import { recordRejection, type Rejection } from './record-rejection';
import { clientIp } from '@/lib/auth/client-ip';
import { executePrepared } from '@/lib/db/execute-prepared';

/** The notification kinds each notify URL receives. */
const CHANNEL_TYPES: Readonly<Record<NotifyChannel, readonly string[]>> = {
  payment: ['PAYMENT_RESULT', 'PAYMENT_PENDING'],
  refund: ['REFUND_RESULT'],
  authorization: ['AUTHCODE_CREATED', 'TOKEN_CREATED', 'TOKEN_CANCELED'],
};

/** Refusals of a rate-limited address are written as one aggregated row per this many. */
export const RATE_LIMITED_FLUSH = 500;

/** AAD binding a sealed inbox body to its row. */
export function inboxBodyAad(inboxEventId: string): string {
  return `inbox_event:${inboxEventId}:raw_body`;
}

/** One incoming notification, whatever server carried it (a Next route handler or the production fast path). */
export interface IncomingNotification {
  /** The request's own path (for the developers' view only; the signature covers the configured path). */
  requestPath: string | null;
  /** The sender's address (lib/auth/client-ip.ts), null when unknown: the key of the per-address limit. */
  sourceIp: string | null;
  headers: NotificationHeaders;
  /** The body with a true byte cap: `undefined` when it is larger than `limit`. Throws when unreadable. */
  readBody(limit: number): Promise<Uint8Array | undefined>;
}

/** What to answer: always JSON, never cached. */
export interface NotificationAnswer {
  status: number;
  body: string;
  /** Seconds, with a 429. */
  retryAfter?: number;
}

export const NOTIFICATION_ANSWER_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

function answer(status: number, body: string): NotificationAnswer {
  return { status, body };
}

function problem(status: number, code: string, message: string): NotificationAnswer {
  // Not the acknowledgement shape on purpose: anything but the fixed ack makes Antom resend.
  return answer(status, JSON.stringify({ error: { code, message } }));
}

/** A single header's value, or null when absent or sent more than once. */
function headerValue(headers: NotificationHeaders, name: string): string | null {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name);
  const value = (headers as Record<string, string | readonly string[] | undefined>)[name];
  if (Array.isArray(value)) return value.length === 1 ? (value[0] as string) : null;
  return (value as string | undefined) ?? null;
}

/** The Fetch API adapter (the Next route handlers): a Request in, a Response out. */
export async function receiveNotification(deps: NotificationDeps, channel: NotifyChannel, request: Request): Promise<Response> {
  let requestPath: string | null = null;
  try {
    requestPath = new URL(request.url).pathname.slice(0, 500);
  } catch {
    // kept null
  }
  const sourceIp = clientIp((name) => request.headers.get(name));
  const result = await handleNotification(deps, channel, { requestPath, sourceIp, headers: request.headers, readBody: (limit) => readCappedBody(request, limit) });
  return new Response(result.body, { status: result.status, headers: { ...NOTIFICATION_ANSWER_HEADERS, ...(result.retryAfter ? { 'retry-after': String(result.retryAfter) } : {}) } });
}

/**
 * One Antom notification, end to end (reliability.md §1.5): size cap → raw bytes → verify against the
 * configured public path (before anything parses them) → parse → one transaction (inbox insert with a
 * unique dedupe key; when new, the guarded transition + audit; the delivery row) → commit → the fixed ack.
 * A final result for an open payment, the common case, is all of that in one statement instead
 * (applyPaymentResultAtOnce); when that statement writes nothing, the transaction decides.
 * Duplicates get the ack too. Invalid signatures: 401, the attempt logged for developers, nothing applied.
 * Database trouble: 503, so Antom resends.
 */
export async function handleNotification(deps: NotificationDeps, channel: NotifyChannel, request: IncomingNotification): Promise<NotificationAnswer> {
  // Its own correlation id until the body names the charge (then the charge's: its paymentRequestId).
  return withLogContext({ notify: channel }, async () => {
    const started = performance.now();
    let answer: NotificationAnswer | undefined;
    try {
      answer = await receive(deps, channel, request);
      return answer;
    } finally {
      const status = answer?.status ?? 500;
      metrics().notifications.inc({ channel, status: String(status) });
      logger()[status < 400 ? 'info' : 'warn']({ channel, status, ms: Math.round(performance.now() - started), sourceIp: request.sourceIp }, 'notification');
    }
  });
}

async function receive(deps: NotificationDeps, channel: NotifyChannel, request: IncomingNotification): Promise<NotificationAnswer> {
  const started = performance.now();
  const path = deps.publicPaths[channel];
  const { requestPath, sourceIp } = request;
  const addressKey = sourceIp ?? 'unknown';
  // Before any work: an address whose refusals used up its bucket is not even read (it never verifies).
  const limiter = deps.rejectionLimiter;
  if (limiter && !limiter.allows(addressKey)) {
    // Refusals unread are counted in memory; every RATE_LIMITED_FLUSH of them become one aggregated write.
    if (limiter.suppressedCount(addressKey) >= RATE_LIMITED_FLUSH) {
      const at = deps.now?.() ?? new Date();
      const count = limiter.takeSuppressed(addressKey);
      await recordRejection(deps.db, { channel, path, requestPath, sourceIp, headers: {}, signatureVerdict: 'not_checked', code: 'RATE_LIMITED', message: null, outcome: 'rate_limited', httpStatus: 429, body: null, latencyMs: 0, suppressed: count - 1, at });
    }
    return { ...problem(429, 'TOO_MANY_REJECTED', 'Too many notifications from this address failed verification; try again later.'), retryAfter: Math.max(1, limiter.retryAfterSeconds(addressKey)) };
  }
  const elapsed = () => Math.round(performance.now() - started);
  const log = async (row: Omit<typeof notificationDeliveries.$inferInsert, 'channel' | 'path' | 'headers' | 'latencyMs'>) => {
    try {
      await deps.db.insert(notificationDeliveries).values({ channel, path, requestPath, sourceIp, headers: maskHeaders(request.headers), latencyMs: elapsed(), ...row });
    } catch (error) {
      logger().warn(`could not log a ${row.outcome} delivery: ${(error as { code?: string }).code ?? 'error'}`);
    }
  };
  // A refusal before verification: charged to the address, recorded as one bounded, aggregated row.
  const reject = async (r: Pick<Rejection, 'signatureVerdict' | 'code' | 'message' | 'outcome' | 'httpStatus' | 'body' | 'declaredBytes'>) => {
    limiter?.charge(addressKey);
    await recordRejection(deps.db, {
      ...r,
      channel,
      path,
      requestPath,
      sourceIp,
      headers: maskHeaders(request.headers),
      latencyMs: elapsed(),
      at: deps.now?.() ?? new Date(),
    });
  };

  let bytes: Uint8Array | undefined;
  try {
    bytes = await request.readBody(MAX_NOTIFICATION_BYTES);
  } catch {
    limiter?.charge(addressKey);
    return problem(400, 'BODY_UNREADABLE', 'The request body could not be read.');
  }
  if (!bytes) {
    const declared = Number(headerValue(request.headers, 'content-length'));
    await reject({ signatureVerdict: 'not_checked', code: 'TOO_LARGE', message: null, outcome: 'too_large', httpStatus: 413, body: null, declaredBytes: Number.isSafeInteger(declared) && declared <= 2 ** 31 - 1 ? declared : null });
    return problem(413, 'BODY_TOO_LARGE', `Notification bodies are limited to ${MAX_NOTIFICATION_BYTES} bytes.`);
  }
  let rawBody: string;
  try {
    rawBody = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    await reject({ signatureVerdict: 'not_checked', code: 'NOT_UTF8', message: 'The body is not UTF-8 text.', outcome: 'invalid_body', httpStatus: 400, body: bytes });
    return problem(400, 'BODY_NOT_UTF8', 'The body is not UTF-8 text.');
  }

  let verified: VerifiedNotification;
  try {
    verified = verifyNotification({ path, headers: request.headers, rawBody, clientId: deps.clientId, publicKey: deps.publicKeys });
  } catch (error) {
    if (!isAlipayError(error, 'signature')) throw error;
    await reject({ signatureVerdict: 'invalid', code: error.code, message: error.message, outcome: 'rejected', httpStatus: 401, body: bytes });
    return problem(401, error.code, 'The notification signature did not verify.');
  }

  const common = { signatureVerdict: 'valid', keyVersion: verified.keyVersion, clientId: verified.clientId, requestTime: verified.requestTime, bodyBytes: bytes.byteLength } as const;
  const sentAt = /^\d+$/.test(verified.requestTime ?? '') ? Number(verified.requestTime) : Date.parse(verified.requestTime ?? '');
  if (Number.isFinite(sentAt)) metrics().notificationLag.observe({ channel }, Math.max(0, (Date.now() - sentAt) / 1000));
  let notification: AlipayNotification;
  try {
    notification = parseNotification(rawBody);
  } catch (error) {
    await log({ ...common, outcome: 'invalid_body', httpStatus: 400, maskedBody: maskBodyText(rawBody), signatureErrorMessage: (error as Error).message });
    return problem(400, 'INVALID_BODY', (error as Error).message);
  }

  // Each notify URL carries its own kinds (Antom sends to the URL our request named): a known kind on another
  // channel's URL is a misrouted or replayed delivery — refused (Antom keeps it for the right URL) and recorded.
  if (notification.type !== 'UNKNOWN' && !CHANNEL_TYPES[channel].includes(notification.type)) {
    const message = `A ${notification.type} notification does not belong on the ${channel} notify URL.`;
    await log({ ...common, notifyType: notification.type, outcome: 'wrong_channel', httpStatus: 400, maskedBody: maskBodyText(rawBody), signatureErrorMessage: message });
    return problem(400, 'WRONG_CHANNEL', message);
  }

  if (notification.type === 'PAYMENT_RESULT' && notification.paymentRequestId) correlate(notification.paymentRequestId);

  faultPoint('notify.before-commit');
  let queued: string | undefined;
  try {
    const at = deps.now?.() ?? new Date();
    const id = randomUUID();
    const notifyType = notificationTypeOf(notification);
    const inbox: InboxRow = {
      id,
      dedupeKey: dedupeKey(notification, rawBody, deps.vault),
      channel,
      notifyType,
      rawBodyCiphertext: deps.vault.seal(rawBody, inboxBodyAad(id)),
      bodySha256: createHash('sha256').update(rawBody).digest('hex'),
      maskedBody: maskBodyText(rawBody),
      receivedAt: at,
    };
    // The delivery row of an acknowledged notification (new or duplicate), but for what applying it decides.
    const delivery = () => ({ ...common, channel, path, requestPath, sourceIp, headers: maskHeaders(request.headers), maskedBody: inbox.maskedBody, notifyType, httpStatus: 200, latencyMs: elapsed() });

    // The common case first: a final result for an open payment, in one statement (null: it wrote nothing).
    const paymentResult = notification.type === 'PAYMENT_RESULT' ? finalPaymentResult(notification, at) : null;
    if (paymentResult && (await applyPaymentResultAtOnce(deps.db, inbox, delivery(), paymentResult))) {
      faultPoint('notify.after-commit');
      return answer(200, NOTIFICATION_ACK_BODY);
    }

    queued = await deps.db.transaction(async (tx) => {
      const [inserted] = rowsOf<{ id: string }>(
        await executePrepared(tx, sql`
          insert into inbox_events ${INBOX_COLUMNS} values (${inboxTuple(inbox, { objectType: null, objectRef: null, outcome: 'stored', detail: null, processed: false })})
          on conflict (dedupe_key) do nothing
          returning id`),
      );
      if (!inserted) {
        const [existing] = await tx.select({ id: inboxEvents.id, objectRef: inboxEvents.objectRef }).from(inboxEvents).where(eq(inboxEvents.dedupeKey, inbox.dedupeKey));
        await tx.insert(notificationDeliveries).values({ ...delivery(), inboxEventId: existing?.id ?? null, objectRef: existing?.objectRef ?? null, dedupeVerdict: 'duplicate', outcome: 'duplicate' });
        return undefined;
      }
      const effect = await applyVerifiedNotification(tx, deps.vault, notification, at);
      // The inbox row's outcome and the delivery row, in one statement.
      const accepted = { ...delivery(), objectRef: effect.objectRef, dedupeVerdict: 'new', outcome: effect.outcome };
      await executePrepared(tx, sql`
        with outcome as (
          update inbox_events
          set object_type = ${effect.objectType}, object_ref = ${effect.objectRef}, outcome = ${effect.outcome}, outcome_detail = ${effect.detail ?? null},
              work_status = ${effect.followUp ? 'pending' : null}, processed_at = ${effect.followUp ? null : at.toISOString()}::timestamptz
          where id = ${id}
        )
        insert into notification_deliveries ${DELIVERY_COLUMNS} values (${deliveryTuple(sql`${id}::uuid`, accepted)})`);
      return effect.followUp ? id : undefined;
    });
  } catch (error) {
    // Nothing committed: answer 5xx so Antom resends (never the ack).
    logger().error(`${channel} notification not stored: ${(error as { code?: string }).code ?? (error as Error).name}`);
    await log({ ...common, outcome: 'error', httpStatus: 503, notifyType: notificationTypeOf(notification) });
    return problem(503, 'TEMPORARILY_UNAVAILABLE', 'The notification could not be stored; please resend.');
  }

  if (queued) {
    // After commit. If this enqueue is lost (crash, queue down) the pending-work sweep enqueues it again.
    await deps.enqueue(APPLY_AUTH_CODE_JOB, { inboxEventId: queued }, { singletonKey: `inbox:${queued}` }).catch(() => {});
  }
  faultPoint('notify.after-commit');
  return answer(200, NOTIFICATION_ACK_BODY);
}
