/**
 * Antom → merchant notifications (ams-api.md §3, §7, §11.1): verify on the raw body first, then
 * parse into a typed union, then answer with the fixed acknowledgement. `signNotification` produces
 * exactly what Antom sends, for tests and the simulator.
 *
 * Order matters: `verifyNotification` looks at nothing but headers, path and raw text; there is no
 * code path that parses an unverified body (`constructNotification` does both, in that order).
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AlipayResponseError, AlipaySignatureError, isAlipayError } from './errors';
import { keyFingerprint } from './keys';
import { classifyResult, type Outcome } from './result-codes';
import { buildSignContent, decodeSignature, formatSignatureHeader, parseSignatureHeader, signContent, verifyBytes } from './signature';
import { AlipayAmountSchema, AlipayResultSchema } from './wire-schemas';

/** The fixed acknowledgement body (ams-api.md §3.2, §7.2), byte for byte. Anything else triggers resends. */
export const NOTIFICATION_ACK_BODY = '{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}';

/** The same acknowledgement as an object, for frameworks that serialise for you. */
export const NOTIFICATION_ACK = Object.freeze({
  result: Object.freeze({ resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' }),
});

/** Fetch `Headers` or a Node-style record (`IncomingHttpHeaders`); names are matched case-insensitively. */
export type NotificationHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function readHeader(headers: NotificationHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (Array.isArray(value)) values.push(...(value as string[]));
    else values.push(value as string);
  }
  if (values.length > 1) {
    throw new AlipaySignatureError(
      'DUPLICATE_HEADER',
      `The notification carries ${values.length} ${name} headers; exactly one is allowed (a proxy may have added one).`,
    );
  }
  return values[0];
}

export interface VerifyNotificationInput {
  /** Path of the notify URL as Antom called it (host excluded), e.g. `/api/alipay/notify`. */
  readonly path: string;
  readonly headers: NotificationHeaders;
  /** The body exactly as received (`await request.text()`), never a parsed-and-restringified object. */
  readonly rawBody: string;
  /** Expected merchant client id; when given, a notification for another client id is rejected. */
  readonly clientId?: string;
  /** Antom's public key, or keys by keyVersion (for rotations). */
  readonly publicKey: KeyObject | Readonly<Record<string, KeyObject>>;
  /** With a single key: the keyVersion it belongs to; other versions are rejected. */
  readonly keyVersion?: string;
  /**
   * Optional freshness window on Request-Time. Off by default: Antom resends over ~24 h and whether a
   * resend carries a new Request-Time is not documented.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export interface VerifiedNotification {
  readonly clientId: string;
  readonly requestTime: string;
  readonly keyVersion: string;
}

function isKeyObject(x: unknown): x is KeyObject {
  return typeof x === 'object' && x !== null && 'asymmetricKeyType' in x && 'type' in x && typeof (x as KeyObject).export === 'function';
}

/** Request-Time as epoch ms: digits are epoch milliseconds, anything else is tried as ISO 8601. */
function parseTime(header: string): number | undefined {
  if (/^[0-9]{10,16}$/.test(header)) return Number(header);
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Verifies an Antom notification's signature over `POST <path>\n<Client-Id>.<Request-Time>.<raw body>`.
 * Throws `AlipaySignatureError` with a code for every failure mode: MISSING_HEADER, DUPLICATE_HEADER,
 * MALFORMED_HEADER, CLIENT_ID_MISMATCH, UNKNOWN_KEY_VERSION, BODY_NOT_RAW, EMPTY_BODY,
 * TRUNCATED_SIGNATURE, INVALID_SIGNATURE (message lists the likely causes), STALE_MESSAGE.
 * Returns the authenticated header values; answer the notification only after this succeeded.
 */
export function verifyNotification(input: VerifyNotificationInput): VerifiedNotification {
  const { path, headers, rawBody } = input;
  if (typeof rawBody !== 'string') {
    throw new AlipaySignatureError(
      'BODY_NOT_RAW',
      'rawBody must be the body text exactly as received (await request.text()); a parsed object cannot be verified.',
    );
  }
  const signatureHeader = readHeader(headers, 'signature');
  if (signatureHeader === undefined || signatureHeader.trim() === '') {
    throw new AlipaySignatureError('MISSING_HEADER', 'The notification has no Signature header: it is unsigned and must be rejected.');
  }
  let parsed;
  try {
    parsed = parseSignatureHeader(signatureHeader);
  } catch (e) {
    if (isAlipayError(e, 'signature_header')) {
      throw new AlipaySignatureError('MALFORMED_HEADER', `${e.message} [${e.code}]`, { cause: e });
    }
    throw e;
  }
  const clientId = readHeader(headers, 'client-id');
  if (!clientId) throw new AlipaySignatureError('MISSING_HEADER', 'The notification has no Client-Id header; it is part of the signed content.');
  const requestTime = readHeader(headers, 'request-time');
  if (!requestTime) throw new AlipaySignatureError('MISSING_HEADER', 'The notification has no Request-Time header; it is part of the signed content.');
  if (input.clientId !== undefined && clientId !== input.clientId) {
    throw new AlipaySignatureError(
      'CLIENT_ID_MISMATCH',
      `The notification is for client id "${clientId}", but this endpoint serves "${input.clientId}" (sandbox and production ids differ).`,
    );
  }

  let key: KeyObject | undefined;
  if (isKeyObject(input.publicKey)) {
    if (input.keyVersion !== undefined && input.keyVersion !== parsed.keyVersion) {
      throw new AlipaySignatureError(
        'UNKNOWN_KEY_VERSION',
        `The notification is signed with keyVersion ${parsed.keyVersion}; only keyVersion ${input.keyVersion} is configured (did Antom rotate its key?).`,
      );
    }
    key = input.publicKey;
  } else {
    key = (input.publicKey as Readonly<Record<string, KeyObject>>)[parsed.keyVersion];
    if (!key) {
      throw new AlipaySignatureError(
        'UNKNOWN_KEY_VERSION',
        `The notification is signed with keyVersion ${parsed.keyVersion}; configured versions: ${Object.keys(input.publicKey).join(', ') || 'none'}.`,
      );
    }
  }

  if (rawBody.length === 0) {
    throw new AlipaySignatureError('EMPTY_BODY', 'The notification body is empty (was the request body consumed before verification?).');
  }

  const signature = decodeSignature(parsed.signature);
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (!signature || signature.length !== modulusBytes) {
    throw new AlipaySignatureError(
      'TRUNCATED_SIGNATURE',
      `The signature decodes to ${signature ? `${signature.length} bytes` : 'invalid base64'}; an RSA-${modulusBytes * 8} signature is ${modulusBytes} bytes (header cut short by a proxy limit, or mangled).`,
    );
  }

  const verifyWith = (p: string) =>
    verifyBytes(Buffer.from(buildSignContent({ method: 'POST', path: p, clientId, time: requestTime, body: rawBody }), 'utf8'), signature, key);
  if (!verifyWith(path)) {
    throw new AlipaySignatureError('INVALID_SIGNATURE', explainFailure(path, verifyWith, key));
  }

  if (input.maxAgeMs !== undefined) {
    const sent = parseTime(requestTime);
    const now = (input.now ?? Date.now)();
    if (sent === undefined || Math.abs(now - sent) > input.maxAgeMs) {
      throw new AlipaySignatureError('STALE_MESSAGE', `Request-Time "${requestTime}" is outside the accepted window of ${input.maxAgeMs} ms.`);
    }
  }
  return { clientId, requestTime, keyVersion: parsed.keyVersion };
}

/** Builds the INVALID_SIGNATURE message; tries a few path spellings to name a wrong-path mistake precisely. */
function explainFailure(path: string, verifyWith: (p: string) => boolean, key: KeyObject): string {
  const candidates = new Set<string>();
  try {
    if (/^https?:\/\//i.test(path)) candidates.add(new URL(path).pathname);
  } catch {
    // not a URL; ignore
  }
  if (path.includes('?')) candidates.add(path.slice(0, path.indexOf('?')));
  candidates.add(path.endsWith('/') ? path.slice(0, -1) : `${path}/`);
  if (!path.startsWith('/')) candidates.add(`/${path}`);
  for (const c of candidates) {
    if (c !== path && verifyWith(c)) {
      return `The signature is valid for path "${c}", not "${path}": pass the path of the notify URL exactly as Antom called it (no host, no query).`;
    }
  }
  return (
    `The notification signature does not verify with the Alipay public key ${keyFingerprint(key)}. Likely causes: ` +
    'the body was re-serialised or altered (verify the raw text, not JSON.stringify of a parsed object); ' +
    `the path "${path}" is not the one in the notify URL Antom used; ` +
    'or the key is not Antom\'s key for this environment (sandbox and production differ).'
  );
}

// ---------------------------------------------------------------------------------------------- parse

const str = z.string();
const optStr = z.string().nullish();
const quoteLike = z.record(z.string(), z.unknown()).nullish();

const paymentSchema = z.object({
  notifyType: z.enum(['PAYMENT_RESULT', 'PAYMENT_PENDING']),
  result: AlipayResultSchema,
  paymentRequestId: str,
  paymentId: str,
  paymentAmount: AlipayAmountSchema,
  paymentCreateTime: optStr,
  paymentTime: optStr,
  customsDeclarationAmount: AlipayAmountSchema.nullish(),
  grossSettlementAmount: AlipayAmountSchema.nullish(),
  settlementQuote: quoteLike,
  actualPaymentAmount: AlipayAmountSchema.nullish(),
  paymentQuote: quoteLike,
  pspCustomerInfo: z.record(z.string(), z.unknown()).nullish(),
  acquirerReferenceNo: optStr,
  paymentMethodType: optStr,
});

const refundSchema = z.object({
  notifyType: optStr,
  result: AlipayResultSchema,
  refundStatus: z.enum(['SUCCESS', 'FAIL']),
  refundRequestId: str,
  refundId: str,
  refundAmount: AlipayAmountSchema,
  refundTime: optStr,
  grossSettlementAmount: AlipayAmountSchema.nullish(),
  settlementQuote: quoteLike,
});

const authBase = { result: AlipayResultSchema, authClientId: optStr, userLoginId: optStr, userId: optStr };
const authCodeSchema = z.object({ authorizationNotifyType: z.literal('AUTHCODE_CREATED'), authCode: str, authState: optStr, ...authBase });
const tokenCreatedSchema = z.object({ authorizationNotifyType: z.literal('TOKEN_CREATED'), accessToken: str, authState: optStr, ...authBase });
const tokenCanceledSchema = z.object({ authorizationNotifyType: z.literal('TOKEN_CANCELED'), accessToken: str, reason: optStr, ...authBase });

type Strip<T> = { -readonly [K in keyof T]: T[K] };

export type AlipayPaymentNotification = Strip<z.output<typeof paymentSchema>> & {
  readonly type: 'PAYMENT_RESULT' | 'PAYMENT_PENDING';
  /** Payment outcome; PAYMENT_PENDING is never final, whatever its result says. */
  readonly outcome: Outcome;
};
export type AlipayRefundNotification = Strip<z.output<typeof refundSchema>> & { readonly type: 'REFUND_RESULT'; readonly outcome: Outcome };
export type AlipayAuthCodeCreatedNotification = z.output<typeof authCodeSchema> & { readonly type: 'AUTHCODE_CREATED' };
export type AlipayTokenCreatedNotification = z.output<typeof tokenCreatedSchema> & { readonly type: 'TOKEN_CREATED' };
export type AlipayTokenCanceledNotification = z.output<typeof tokenCanceledSchema> & { readonly type: 'TOKEN_CANCELED' };
/** A notification type this module does not model; acknowledge it and log `notifyType`. */
export interface AlipayUnknownNotification {
  readonly type: 'UNKNOWN';
  readonly notifyType: string | undefined;
  readonly body: Readonly<Record<string, unknown>>;
}

export type AlipayNotification =
  | AlipayPaymentNotification
  | AlipayRefundNotification
  | AlipayAuthCodeCreatedNotification
  | AlipayTokenCreatedNotification
  | AlipayTokenCanceledNotification
  | AlipayUnknownNotification;

function shape<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AlipayResponseError('INVALID_SHAPE', `${what} notification: ${issue?.path.join('.') || '(body)'} ${issue?.message ?? 'is invalid'}`);
}

/**
 * Parses a VERIFIED notification body into the typed union. Unknown fields are dropped; unknown
 * notification types come back as `{ type: 'UNKNOWN' }` (acknowledge, log, do not fail); a known type
 * missing a required field throws `AlipayResponseError('INVALID_SHAPE')` naming the field.
 */
export function parseNotification(rawBody: string): AlipayNotification {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (cause) {
    throw new AlipayResponseError('INVALID_JSON', 'The notification body is not JSON.', { cause });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AlipayResponseError('INVALID_SHAPE', 'The notification body is not a JSON object.');
  }
  const obj = body as Record<string, unknown>;
  const authType = obj['authorizationNotifyType'];
  const notifyType = obj['notifyType'];
  if (typeof authType === 'string') {
    switch (authType) {
      case 'AUTHCODE_CREATED':
        return { ...shape(authCodeSchema, obj, authType), type: authType };
      case 'TOKEN_CREATED':
        return { ...shape(tokenCreatedSchema, obj, authType), type: authType };
      case 'TOKEN_CANCELED':
        return { ...shape(tokenCanceledSchema, obj, authType), type: authType };
      default:
        return { type: 'UNKNOWN', notifyType: authType, body: obj };
    }
  }
  if (notifyType === 'PAYMENT_RESULT' || notifyType === 'PAYMENT_PENDING') {
    const p = shape(paymentSchema, obj, notifyType);
    return { ...p, type: notifyType, outcome: notifyType === 'PAYMENT_PENDING' ? 'unknown' : classifyResult(p.result) };
  }
  // notifyRefund's notifyType is undocumented (§11.1); recognise it by its mandatory refundStatus.
  if ('refundStatus' in obj && 'refundRequestId' in obj && (notifyType === undefined || notifyType === null || notifyType === 'REFUND_RESULT')) {
    const r = shape(refundSchema, obj, 'refund');
    const outcome: Outcome = r.refundStatus === 'SUCCESS' ? 'success' : 'failed';
    return { ...r, type: 'REFUND_RESULT', outcome };
  }
  return { type: 'UNKNOWN', notifyType: typeof notifyType === 'string' ? notifyType : undefined, body: obj };
}

/** Verify, then parse: the usual handler entry point (stripe-node's `constructEvent`). */
export function constructNotification(input: VerifyNotificationInput): { verified: VerifiedNotification; notification: AlipayNotification } {
  const verified = verifyNotification(input);
  return { verified, notification: parseNotification(input.rawBody) };
}

/** True when a merchant's answer counts as an acknowledgement (200 handled by the caller). */
export function isNotificationAck(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { result?: { resultStatus?: unknown; resultCode?: unknown } };
    return parsed.result?.resultStatus === 'S' && parsed.result.resultCode === 'SUCCESS';
  } catch {
    return false;
  }
}

export interface SignNotificationInput {
  /** Path of the merchant notify URL (host excluded). */
  readonly path: string;
  readonly clientId: string;
  /** Antom's (or the simulator's) private key. */
  readonly privateKey: KeyObject;
  readonly keyVersion?: string | number;
  /** Object bodies are serialised with JSON.stringify; strings are sent as given. */
  readonly body: string | object;
  /** Request-Time value (default: now, epoch ms). */
  readonly time?: string | number;
}

/**
 * Produces exactly what Antom sends: lower-case headers (Content-Type, Client-Id, Request-Time,
 * Signature) and the raw body that was signed. For tests and the simulator.
 */
export function signNotification(input: SignNotificationInput): { headers: Record<string, string>; rawBody: string } {
  const rawBody = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const time = String(input.time ?? Date.now());
  const signature = signContent(buildSignContent({ method: 'POST', path: input.path, clientId: input.clientId, time, body: rawBody }), input.privateKey);
  return {
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'client-id': input.clientId,
      'request-time': time,
      signature: formatSignatureHeader({ keyVersion: input.keyVersion ?? '1', signature }),
    },
    rawBody,
  };
}

