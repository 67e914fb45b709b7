/**
 * The one request function (modelled on stripe-node's RequestSender): validate → serialise once →
 * sign → POST → read the raw answer → verify its signature → parse → typed result. Retries only on
 * network errors and 5xx, always with the byte-identical body, and only as often as the retry table
 * (retry-policy.ts) allows for the operation.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import {
  AlipayHttpError,
  AlipayIdempotencyError,
  AlipayNetworkError,
  AlipayResponseError,
  AlipaySignatureError,
  AlipayValidationError,
  isAlipayError,
} from './errors';
import { keyFingerprint } from './keys';
import { redactBody, redactHeaders } from './redact';
import { classifyResult, type Outcome } from './result-codes';
import { buildSignContent, formatSignatureHeader, parseSignatureHeader, signContent, verifyContent } from './signature';
import type { AlipayResult } from './wire-schemas';
import { resolveEndpointPath, type EndpointDefinition, type EndpointName } from './endpoints';
import { retryOperation, transportRetries } from './retry-policy';

/** One attempt of one call, redacted, for the api_calls log. */
export interface AlipayCallEvent {
  readonly endpoint: string;
  readonly url: string;
  /** The signed path (sandbox rewrite applied). */
  readonly path: string;
  readonly attempt: number;
  readonly requestTime: string;
  readonly request: { readonly headers: Record<string, string>; readonly body: string };
  readonly response?: { readonly status: number; readonly headers: Record<string, string>; readonly body: string };
  readonly durationMs: number;
  readonly outcome?: Outcome;
  readonly resultStatus?: string;
  readonly resultCode?: string;
  readonly signatureVerified?: boolean;
  readonly error?: { readonly name: string; readonly code: string; readonly message: string };
  readonly willRetry: boolean;
  /** The caller's object this call is about (`payment:<uuid>`), passed through from CallOptions. */
  readonly subject?: string;
}

export type AlipayCallObserver = (event: AlipayCallEvent) => void;

export interface TransportOptions {
  readonly gatewayUrl: string;
  readonly clientId: string;
  readonly merchantPrivateKey: KeyObject;
  readonly alipayPublicKey: KeyObject;
  readonly keyVersion: string;
  readonly timeoutMs: number;
  /** Upper bound on transport retries for every operation (the per-operation numbers: retry-policy.ts). */
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly observer?: AlipayCallObserver;
  readonly userAgent: string;
}

export interface AlipayCallResult<T> {
  /** `classifyResult(data.result)`: act on this, never on `resultMessage`. */
  readonly outcome: Outcome;
  readonly result: AlipayResult;
  readonly data: T;
  /**
   * False only for an unsigned F/U answer (Antom does not sign e.g. INVALID_SIGNATURE rejections).
   * An unsigned S answer is never returned: it throws `UNSIGNED_SUCCESS`.
   */
  readonly signatureVerified: boolean;
  readonly attempts: number;
  readonly durationMs: number;
}

export interface CallOptions {
  /** Aborts the call (all attempts) when signalled. */
  readonly signal?: AbortSignal;
  /** The object the call is about (`payment:<uuid>`), handed to the observer for the call log. */
  readonly subject?: string;
  /**
   * SHA-256 (hex) the serialised body must have. A resend of a stored request passes the hash saved with
   * it: a different body throws `AlipayIdempotencyError` before anything is sent (REPEAT_REQ_INCONSISTENT guard).
   */
  readonly expectedBodySha256?: string;
  /**
   * What `serialize` made of this very input a moment ago (a pay request built, stored and sent at once): its
   * bytes are sent as they are instead of being validated and serialised a second time. Only an object this
   * module's serializeRequest returned is taken (a copy, or one from another bundle's copy of lib/alipay, is
   * ignored and the input serialised as usual); `expectedBodySha256` is still checked against it.
   */
  readonly serialized?: SerializedRequest;
}

/** The exact bytes of one request, validated and serialised by serializeRequest, and their SHA-256. */
export interface SerializedRequest {
  readonly name: string;
  readonly body: string;
  readonly sha256: string;
}

/** What serializeRequest made in this module copy: only these are sent as they are (CallOptions.serialized). */
const MADE_HERE = new WeakSet<SerializedRequest>();

/** The exact body bytes a request will carry (validated, serialised once) and their SHA-256. */
export function serializeRequest<Req extends z.ZodType>(name: string, endpoint: { request: Req }, input: z.input<Req>): SerializedRequest {
  const parsed = endpoint.request.safeParse(input);
  if (!parsed.success) throw toValidationError(name, parsed.error);
  const body = JSON.stringify(parsed.data);
  const made = Object.freeze({ name, body, sha256: sha256Hex(body) });
  MADE_HERE.add(made);
  return made;
}

/** The given serialisation when this module made it for this endpoint; otherwise the input serialised now. */
function bodyOf<Req extends z.ZodType>(name: string, endpoint: { request: Req }, input: z.input<Req>, given: SerializedRequest | undefined): SerializedRequest {
  return given && MADE_HERE.has(given) && given.name === name ? given : serializeRequest(name, endpoint, input);
}

/** Worst-case wall time of one call: every attempt times out, plus the back-off sleeps between them. */
export function worstCaseCallMs(options: { timeoutMs: number; maxRetries: number; retryBaseDelayMs: number }): number {
  const attempts = 1 + Math.max(0, options.maxRetries);
  let sleeps = 0;
  for (let i = 1; i < attempts; i++) sleeps += options.retryBaseDelayMs * 2 ** (i - 1);
  return attempts * options.timeoutMs + sleeps;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toValidationError(name: string, error: z.ZodError): AlipayValidationError {
  return new AlipayValidationError(
    error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(body)', message: i.message })),
    name,
  );
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorSummary(e: unknown): { name: string; code: string; message: string } {
  if (isAlipayError(e)) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, code: 'ERROR', message: e.message };
  return { name: 'Error', code: 'ERROR', message: String(e) };
}

/**
 * Sends one AMS call. Throws `AlipayValidationError` before sending anything; `AlipayNetworkError`
 * when the outcome is unknown after all retries (retry later with the same request id, or inquire);
 * `AlipayHttpError` for a 4xx; `AlipaySignatureError` for an answer that fails verification (fail
 * closed); `AlipayResponseError` for a verified answer of the wrong shape. Business failures (F) and
 * unknowns (U) are returned, not thrown.
 */
export async function sendRequest<Req extends z.ZodType, Res extends z.ZodType>(
  opts: TransportOptions,
  name: string,
  endpoint: EndpointDefinition<Req, Res>,
  input: z.input<Req>,
  callOptions: CallOptions = {},
): Promise<AlipayCallResult<z.output<Res>>> {
  // Serialised exactly once: every retry sends (and signs) these very bytes.
  const { body, sha256 } = bodyOf(name, endpoint, input, callOptions.serialized);
  if (callOptions.expectedBodySha256 !== undefined && callOptions.expectedBodySha256 !== sha256) {
    throw new AlipayIdempotencyError(
      `${name} request not sent: its body differs from the one first sent with this request id (sha256 ${sha256.slice(0, 12)}… ≠ ${callOptions.expectedBodySha256.slice(0, 12)}…). Antom would answer REPEAT_REQ_INCONSISTENT; resend the stored body or use a new request id.`,
    );
  }
  const url = new URL(resolveEndpointPath(endpoint.path, opts.clientId), opts.gatewayUrl.replace(/\/+$/, '') + '/');
  // What the server sees on the wire is what gets signed (= the SDK path when the gateway has no prefix).
  const path = url.pathname;
  // Durations use the monotonic clock; the injected `now` only feeds Request-Time.
  const started = performance.now();
  // How often this call may be resent is the retry table's decision (retry-policy.ts), never the caller's.
  const maxAttempts = 1 + transportRetries(retryOperation(name as EndpointName, input), opts.maxRetries);

  for (let attempt = 1; ; attempt++) {
    // A fresh Request-Time per attempt keeps the timestamp honest; the body never changes.
    const requestTime = String(opts.now());
    const signature = signContent(buildSignContent({ method: 'POST', path, clientId: opts.clientId, time: requestTime, body }), opts.merchantPrivateKey);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'client-id': opts.clientId,
      'request-time': requestTime,
      signature: formatSignatureHeader({ keyVersion: opts.keyVersion, signature }),
      'user-agent': opts.userAgent,
    };
    const attemptStart = performance.now();
    const emit = (partial: Omit<AlipayCallEvent, 'endpoint' | 'url' | 'path' | 'attempt' | 'requestTime' | 'request' | 'durationMs'>) => {
      if (!opts.observer) return;
      try {
        opts.observer({
          endpoint: name,
          url: url.toString(),
          path,
          attempt,
          requestTime,
          request: { headers: redactHeaders(headers), body: redactBody(body) },
          durationMs: Math.round((performance.now() - attemptStart) * 1000) / 1000,
          ...(callOptions.subject ? { subject: callOptions.subject } : {}),
          ...partial,
        });
      } catch {
        // A broken logger must never change the outcome of a payment call.
      }
    };
    const canRetry = attempt < maxAttempts && !callOptions.signal?.aborted;

    let status: number;
    let responseHeaders: Headers;
    let raw: string;
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
    try {
      const res = await opts.fetch(url, { method: 'POST', headers, body, signal, redirect: 'error' });
      status = res.status;
      responseHeaders = res.headers;
      raw = await res.text();
    } catch (cause) {
      const timedOut = timeout.aborted;
      const err = new AlipayNetworkError(
        timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
        timedOut
          ? `${name}: no answer within ${opts.timeoutMs} ms after ${attempt} attempt(s); the outcome is unknown — retry with the same request id or inquire.`
          : `${name}: network error after ${attempt} attempt(s) (${errorSummary(cause).message}); the outcome is unknown — retry with the same request id or inquire.`,
        attempt,
        { cause },
      );
      const retry = canRetry && !callOptions.signal?.aborted;
      emit({ error: errorSummary(err), willRetry: retry });
      if (retry) {
        await sleep(opts.retryBaseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw err;
    }

    const response = { status, headers: redactHeaders(responseHeaders), body: redactBody(raw) };
    if (status >= 500) {
      const err = new AlipayNetworkError('SERVER_ERROR', `${name}: HTTP ${status} from the gateway after ${attempt} attempt(s); the outcome is unknown.`, attempt);
      emit({ response, error: errorSummary(err), willRetry: canRetry });
      if (canRetry) {
        await sleep(opts.retryBaseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw err;
    }

    try {
      if (status !== 200) {
        throw new AlipayHttpError(status, `${name}: HTTP ${status} from the gateway (AMS answers business errors with 200; check gatewayUrl and the path).`);
      }
      const verified = verifyAnswer(opts, name, path, responseHeaders, raw);
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (cause) {
        throw new AlipayResponseError('INVALID_JSON', `${name}: the answer is not JSON.`, { cause });
      }
      const shaped = endpoint.response.safeParse(json);
      if (!shaped.success) {
        const issue = shaped.error.issues[0];
        throw new AlipayResponseError('INVALID_SHAPE', `${name}: the answer does not match the documented shape at ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? ''}`);
      }
      const data = shaped.data as z.output<Res> & { result: AlipayResult };
      if (!verified && data.result.resultStatus === 'S') {
        throw new AlipaySignatureError('UNSIGNED_SUCCESS', `${name}: Antom answered S without a Signature/Response-Time header. An unsigned success is never trusted.`);
      }
      const outcome = classifyResult(data.result);
      emit({ response, outcome, resultStatus: data.result.resultStatus, resultCode: data.result.resultCode, signatureVerified: verified, willRetry: false });
      return { outcome, result: data.result, data, signatureVerified: verified, attempts: attempt, durationMs: Math.round((performance.now() - started) * 1000) / 1000 };
    } catch (e) {
      emit({ response, error: errorSummary(e), willRetry: false });
      throw e;
    }
  }
}

/**
 * Verifies the answer's signature over `POST <path>\n<clientId>.<Response-Time>.<raw body>`.
 * Returns false only when the answer carries no signature at all (the caller then refuses S answers);
 * throws when a signature is present but wrong or the headers are inconsistent.
 */
function verifyAnswer(opts: TransportOptions, name: string, path: string, headers: Headers, raw: string): boolean {
  const header = headers.get('signature');
  const responseTime = headers.get('response-time');
  if (!header || !responseTime) return false;
  let parsed;
  try {
    parsed = parseSignatureHeader(header);
  } catch (e) {
    if (isAlipayError(e, 'signature_header')) {
      throw new AlipaySignatureError('MALFORMED_HEADER', `${name}: the answer's ${e.message} [${e.code}]`, { cause: e });
    }
    throw e;
  }
  const echoed = headers.get('client-id');
  if (echoed !== null && echoed !== opts.clientId) {
    throw new AlipaySignatureError('CLIENT_ID_MISMATCH', `${name}: the answer is for client id "${echoed}", not "${opts.clientId}".`);
  }
  const content = buildSignContent({ method: 'POST', path, clientId: opts.clientId, time: responseTime, body: raw });
  if (!verifyContent(content, parsed.signature, opts.alipayPublicKey)) {
    throw new AlipaySignatureError(
      'INVALID_SIGNATURE',
      `${name}: the answer's signature does not verify with the configured Alipay public key (${keyFingerprint(opts.alipayPublicKey)}). ` +
        'Check that alipayPublicKey is Antom\'s key for this environment (sandbox and production keys differ) and not your own public key.',
    );
  }
  return true;
}
