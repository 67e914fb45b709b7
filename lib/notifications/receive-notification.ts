import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AlipaySignatureError, NOTIFICATION_ACK_BODY, parseNotification, verifyNotification, type AlipayNotification, type VerifiedNotification } from '@/lib/alipay';
import { inboxEvents, notificationDeliveries } from '@/lib/db/schema';
import { applyVerifiedNotification, notificationTypeOf } from './apply-verified-notification';
import { dedupeKey } from './dedupe-key';
import { maskBodyText, maskHeaders } from './mask';
import { MAX_NOTIFICATION_BYTES, type NotificationDeps, type NotifyChannel } from './notification-deps';
import { APPLY_AUTH_CODE_JOB } from './notification-effect';
import { readCappedBody } from './read-capped-body';

/** AAD binding a sealed inbox body to its row. */
export function inboxBodyAad(inboxEventId: string): string {
  return `inbox_event:${inboxEventId}:raw_body`;
}

function safePath(url: string): string | null {
  try {
    return new URL(url).pathname.slice(0, 500);
  } catch {
    return null;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function answer(status: number, body: string): Response {
  return new Response(body, { status, headers: JSON_HEADERS });
}

function problem(status: number, code: string, message: string): Response {
  // Not the acknowledgement shape on purpose: anything but the fixed ack makes Antom resend.
  return answer(status, JSON.stringify({ error: { code, message } }));
}

/**
 * One Antom notification, end to end (reliability.md §1.5): size cap → raw bytes → verify against the
 * configured public path (before anything parses them) → parse → one transaction (inbox insert with a
 * unique dedupe key; when new, the guarded transition + audit; the delivery row) → commit → the fixed ack.
 * Duplicates get the ack too. Invalid signatures: 401, the attempt logged for developers, nothing applied.
 * Database trouble: 503, so Antom resends.
 */
export async function receiveNotification(deps: NotificationDeps, channel: NotifyChannel, request: Request): Promise<Response> {
  const started = performance.now();
  const headers = maskHeaders(request.headers);
  const path = deps.publicPaths[channel];
  const requestPath = safePath(request.url);
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
    bytes = await readCappedBody(request, MAX_NOTIFICATION_BYTES);
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
    if (!(error instanceof AlipaySignatureError)) throw error;
    await log({
      signatureVerdict: 'invalid',
      signatureErrorCode: error.code,
      signatureErrorMessage: error.message,
      clientId: request.headers.get('client-id'),
      requestTime: request.headers.get('request-time'),
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
    queued = await deps.db.transaction(async (tx) => {
      const at = deps.now?.() ?? new Date();
      const id = randomUUID();
      const key = dedupeKey(notification, rawBody, deps.vault);
      const maskedBody = maskBodyText(rawBody);
      const [inserted] = await tx
        .insert(inboxEvents)
        .values({
          id,
          dedupeKey: key,
          channel,
          notifyType: notificationTypeOf(notification),
          outcome: 'stored',
          rawBodyCiphertext: deps.vault.seal(rawBody, inboxBodyAad(id)),
          bodySha256: createHash('sha256').update(rawBody).digest('hex'),
          maskedBody,
          receivedAt: at,
        })
        .onConflictDoNothing({ target: inboxEvents.dedupeKey })
        .returning({ id: inboxEvents.id });
      if (!inserted) {
        const [existing] = await tx.select({ id: inboxEvents.id, objectRef: inboxEvents.objectRef }).from(inboxEvents).where(eq(inboxEvents.dedupeKey, key));
        await tx.insert(notificationDeliveries).values({
          ...common,
          channel,
          path,
          requestPath,
          headers,
          maskedBody,
          inboxEventId: existing?.id ?? null,
          notifyType: notificationTypeOf(notification),
          objectRef: existing?.objectRef ?? null,
          dedupeVerdict: 'duplicate',
          outcome: 'duplicate',
          httpStatus: 200,
          latencyMs: elapsed(),
        });
        return undefined;
      }
      const effect = await applyVerifiedNotification(tx, deps.vault, notification, at);
      await tx
        .update(inboxEvents)
        .set({
          objectType: effect.objectType,
          objectRef: effect.objectRef,
          outcome: effect.outcome,
          outcomeDetail: effect.detail ?? null,
          workStatus: effect.followUp ? 'pending' : null,
          processedAt: effect.followUp ? null : at,
        })
        .where(eq(inboxEvents.id, id));
      await tx.insert(notificationDeliveries).values({
        ...common,
        channel,
        path,
        requestPath,
        headers,
        maskedBody,
        inboxEventId: id,
        notifyType: notificationTypeOf(notification),
        objectRef: effect.objectRef,
        dedupeVerdict: 'new',
        outcome: effect.outcome,
        httpStatus: 200,
        latencyMs: elapsed(),
      });
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
