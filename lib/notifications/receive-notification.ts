import { createHash, randomUUID } from 'node:crypto';
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
import { executePrepared } from '@/lib/db/execute-prepared';

/** AAD binding a sealed inbox body to its row. */
export function inboxBodyAad(inboxEventId: string): string {
  return `inbox_event:${inboxEventId}:raw_body`;
}

/** One incoming notification, whatever server carried it (a Next route handler or the production fast path). */
export interface IncomingNotification {
  /** The request's own path (for the developers' view only; the signature covers the configured path). */
  requestPath: string | null;
  headers: NotificationHeaders;
  /** The body with a true byte cap: `undefined` when it is larger than `limit`. Throws when unreadable. */
  readBody(limit: number): Promise<Uint8Array | undefined>;
}

/** What to answer: always JSON, never cached. */
export interface NotificationAnswer {
  status: number;
  body: string;
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
  const result = await handleNotification(deps, channel, { requestPath, headers: request.headers, readBody: (limit) => readCappedBody(request, limit) });
  return new Response(result.body, { status: result.status, headers: NOTIFICATION_ANSWER_HEADERS });
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
  const started = performance.now();
  const headers = maskHeaders(request.headers);
  const path = deps.publicPaths[channel];
  const { requestPath } = request;
  const elapsed = () => Math.round(performance.now() - started);
  const log = async (row: Omit<typeof notificationDeliveries.$inferInsert, 'channel' | 'path' | 'headers' | 'latencyMs'>) => {
    try {
      await deps.db.insert(notificationDeliveries).values({ channel, path, requestPath, headers, latencyMs: elapsed(), ...row });
    } catch (error) {
      console.warn(`[notify] could not log a ${row.outcome} delivery: ${(error as { code?: string }).code ?? 'error'}`);
    }
  };

  let bytes: Uint8Array | undefined;
  try {
    bytes = await request.readBody(MAX_NOTIFICATION_BYTES);
  } catch {
    return problem(400, 'BODY_UNREADABLE', 'The request body could not be read.');
  }
  if (!bytes) {
    await log({ signatureVerdict: 'not_checked', outcome: 'too_large', httpStatus: 413, bodyBytes: null });
    return problem(413, 'BODY_TOO_LARGE', `Notification bodies are limited to ${MAX_NOTIFICATION_BYTES} bytes.`);
  }
  let rawBody: string;
  try {
    rawBody = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    await log({ signatureVerdict: 'not_checked', outcome: 'invalid_body', httpStatus: 400, bodyBytes: bytes.byteLength, signatureErrorMessage: 'The body is not UTF-8 text.' });
    return problem(400, 'BODY_NOT_UTF8', 'The body is not UTF-8 text.');
  }

  let verified: VerifiedNotification;
  try {
    verified = verifyNotification({ path, headers: request.headers, rawBody, clientId: deps.clientId, publicKey: deps.publicKeys });
  } catch (error) {
    if (!isAlipayError(error, 'signature')) throw error;
    await log({
      signatureVerdict: 'invalid',
      signatureErrorCode: error.code,
      signatureErrorMessage: error.message,
      clientId: headerValue(request.headers, 'client-id'),
      requestTime: headerValue(request.headers, 'request-time'),
      outcome: 'rejected',
      httpStatus: 401,
      maskedBody: maskBodyText(rawBody),
      bodyBytes: bytes.byteLength,
    });
    return problem(401, error.code, 'The notification signature did not verify.');
  }

  const common = { signatureVerdict: 'valid', keyVersion: verified.keyVersion, clientId: verified.clientId, requestTime: verified.requestTime, bodyBytes: bytes.byteLength } as const;
  let notification: AlipayNotification;
  try {
    notification = parseNotification(rawBody);
  } catch (error) {
    await log({ ...common, outcome: 'invalid_body', httpStatus: 400, maskedBody: maskBodyText(rawBody), signatureErrorMessage: (error as Error).message });
    return problem(400, 'INVALID_BODY', (error as Error).message);
  }

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
    const delivery = () => ({ ...common, channel, path, requestPath, headers, maskedBody: inbox.maskedBody, notifyType, httpStatus: 200, latencyMs: elapsed() });

    // The common case first: a final result for an open payment, in one statement (null: it wrote nothing).
    const paymentResult = notification.type === 'PAYMENT_RESULT' ? finalPaymentResult(notification, at) : null;
    if (paymentResult && (await applyPaymentResultAtOnce(deps.db, inbox, delivery(), paymentResult))) return answer(200, NOTIFICATION_ACK_BODY);

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
    console.error(`[notify] ${channel} notification not stored: ${(error as { code?: string }).code ?? (error as Error).name}`);
    await log({ ...common, outcome: 'error', httpStatus: 503, notifyType: notificationTypeOf(notification) });
    return problem(503, 'TEMPORARILY_UNAVAILABLE', 'The notification could not be stored; please resend.');
  }

  if (queued) {
    // After commit. If this enqueue is lost (crash, queue down) the pending-work sweep enqueues it again.
    await deps.enqueue(APPLY_AUTH_CODE_JOB, { inboxEventId: queued }, { singletonKey: `inbox:${queued}` }).catch(() => {});
  }
  return answer(200, NOTIFICATION_ACK_BODY);
}
