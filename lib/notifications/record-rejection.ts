import { log } from '@/lib/log';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { notificationDeliveries } from '@/lib/db/schema';
import { maskBodyText } from './mask';
import type { NotifyChannel } from './notification-deps';

/** Rejected deliveries from one address with one verdict are one row per window. */
export const REJECTION_WINDOW_MS = 10 * 60 * 1000;
/**
 * How much of a rejected body is kept (masked): enough for a whole genuine Antom notification (a few hundred
 * bytes to ~1.5 KB), so the signature debugger can still say what differed when our configuration is wrong.
 */
export const REJECTION_FIRST_BYTES = 2048;
/** The only headers kept from a rejected delivery, each cut to HEADER_CHARS: what the signature debugger reads. */
const KEPT_HEADERS = ['client-id', 'request-time', 'signature', 'content-type', 'content-length', 'user-agent'] as const;
const HEADER_CHARS = 512;

export interface Rejection {
  channel: NotifyChannel;
  path: string;
  requestPath: string | null;
  sourceIp: string | null;
  headers: Readonly<Record<string, string>>;
  /** `invalid` (signature) or `not_checked` (too large, not UTF-8). */
  signatureVerdict: 'invalid' | 'not_checked';
  /** AlipaySignatureError code, or TOO_LARGE / NOT_UTF8 / RATE_LIMITED. */
  code: string;
  message: string | null;
  outcome: 'rejected' | 'too_large' | 'invalid_body' | 'rate_limited';
  httpStatus: number;
  /** The body as read (null when it was too large to read). */
  body: Uint8Array | null;
  /** Its declared size when it was not read. */
  declaredBytes?: number | null;
  latencyMs: number;
  /** More deliveries this row stands for (refusals of a rate-limited address counted in memory). */
  suppressed?: number;
  at: Date;
}

/** The aggregation key: channel, address, verdict and window. Bounded whatever the sender does. */
export function rejectionKey(r: Pick<Rejection, 'channel' | 'sourceIp' | 'code' | 'at'>): string {
  const window = Math.floor(r.at.getTime() / REJECTION_WINDOW_MS) * REJECTION_WINDOW_MS;
  return `${r.channel}|${r.sourceIp ?? '-'}|${r.code.slice(0, 64)}|${new Date(window).toISOString()}`;
}

/** The first bytes of a body as text, masked (the whole body is masked first so no token is cut in half). */
export function firstBytesText(body: Uint8Array): string {
  // Lossy decode: a forged body need not be UTF-8. Masking needs the whole text (a cut token would escape the pattern).
  const text = new TextDecoder('utf-8').decode(body.byteLength > 64 * 1024 ? body.subarray(0, 64 * 1024) : body);
  const masked = Buffer.from(maskBodyText(text), 'utf8');
  return masked.byteLength <= REJECTION_FIRST_BYTES ? masked.toString('utf8') : masked.subarray(0, REJECTION_FIRST_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}

/**
 * Records a delivery refused before verification as a bounded row (< 4 KB: hash, size, first
 * bytes, verdict, address, six headers) and folds repeats into the row of its window, so a flood of forged
 * posts costs one row per address, verdict and 10 minutes rather than one per post. Never throws: logging a
 * refusal must not turn it into a 5xx.
 */
export async function recordRejection(db: Db, r: Rejection): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) if (r.headers[name] !== undefined) headers[name] = r.headers[name]!.slice(0, HEADER_CHARS);
  const row = {
    channel: r.channel,
    path: r.path,
    requestPath: r.requestPath?.slice(0, 500) ?? null,
    signatureVerdict: r.signatureVerdict,
    signatureErrorCode: r.code.slice(0, 64),
    signatureErrorMessage: r.message?.slice(0, 500) ?? null,
    clientId: headers['client-id']?.slice(0, 128) ?? null,
    requestTime: headers['request-time']?.slice(0, 64) ?? null,
    outcome: r.outcome,
    httpStatus: r.httpStatus,
    headers,
    maskedBody: r.body ? firstBytesText(r.body) : null,
    bodyBytes: r.body ? r.body.byteLength : (r.declaredBytes ?? null),
    bodySha256: r.body ? createHash('sha256').update(r.body).digest('hex') : null,
    sourceIp: r.sourceIp,
    rejectionKey: rejectionKey(r),
    repeatCount: 1 + (r.suppressed ?? 0),
    latencyMs: r.latencyMs,
    receivedAt: r.at,
    lastReceivedAt: r.at,
  };
  try {
    await db
      .insert(notificationDeliveries)
      .values(row)
      .onConflictDoUpdate({
        target: notificationDeliveries.rejectionKey,
        set: { repeatCount: sql`${notificationDeliveries.repeatCount} + excluded.repeat_count`, lastReceivedAt: sql`greatest(${notificationDeliveries.lastReceivedAt}, excluded.last_received_at)` },
      });
  } catch (error) {
    log().warn(`could not record a ${r.outcome} delivery: ${(error as { code?: string }).code ?? 'error'}`);
  }
}
