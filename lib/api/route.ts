import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { resolveClientIp, SOCKET_IP_HEADER } from '@/lib/auth/client-ip';
import { apiKeyActor, authenticateApiKey, recordApiKeyUseGrouped, secretFromAuthorization, type ApiKeyAuthFailure, type AuthenticatedKey } from './api-keys';
import type { ApiContext } from './context';
import { apiFailure, errorBody, fromZodError, isApiFailure, isDatabaseUnavailable, type ApiFailure } from './errors';
import { takeRateToken } from './rate-limit';
import { claimIdempotencyKey, completeIdempotencyKey, IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_WAIT_MS, releaseIdempotencyKey, requestFingerprint } from './idempotency';

/** Largest JSON body the API reads. */
export const API_BODY_LIMIT = 64 * 1024;

type AnyObject = z.ZodObject;

/**
 * One merchant-API operation: its path (OpenAPI form, `/v1/customers/{id}`), the zod schemas of its path
 * parameters, query and body, and of its success answer. The handler runtime validates input with exactly
 * these schemas and the OpenAPI document (lib/api/openapi.ts) is generated from them, so the two cannot drift.
 */
export interface ApiRoute<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends AnyObject = AnyObject, R extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** read: any live key; write: read-write keys only (403 for read-only). */
  access: 'read' | 'write';
  params?: P;
  query?: Q;
  body?: B;
  status: 200 | 201;
  response: R;
  run: (ctx: ApiContext, call: ApiCall<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | ApiFailure>;
}

export interface ApiCall<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  key: AuthenticatedKey;
  /** The request's Idempotency-Key, if any (already claimed for this request). */
  idempotencyKey: string | null;
  requestId: string;
}

export function defineRoute<P extends AnyObject, Q extends AnyObject, B extends AnyObject, R extends z.ZodType>(route: ApiRoute<P, Q, B, R>): ApiRoute {
  return route as unknown as ApiRoute;
}

const AUTH_MESSAGES: Record<ApiKeyAuthFailure, string> = {
  missing_key: 'No API key: send it as "Authorization: Bearer <key>".',
  invalid_key: 'This API key is not valid.',
  revoked_key: 'This API key has been revoked.',
  wrong_mode: 'This API key belongs to the other gateway mode (dk_test_ keys work with the simulator, dk_live_ keys with Antom).',
  ip_not_allowed: 'This API key may not be used from this address.',
};

function json(status: number, body: string, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'request-id': requestId, ...headers } });
}

function failureResponse(failure: ApiFailure, requestId: string): Response {
  return json(failure.status, errorBody(failure, requestId), requestId, failure.headers);
}

function parseWith<T extends AnyObject>(schema: T | undefined, value: unknown, where: 'body' | 'query' | 'path'): z.output<T> | ApiFailure {
  if (!schema) return {} as z.output<T>;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fromZodError(parsed.error, where, value);
}

async function readBody(request: Request): Promise<{ text: string; value: unknown } | ApiFailure> {
  const declared = request.headers.get('content-length');
  if (declared && Number(declared) > API_BODY_LIMIT) return apiFailure(413, 'invalid_request_error', 'body_too_large', `The body may be at most ${API_BODY_LIMIT} bytes.`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > API_BODY_LIMIT) return apiFailure(413, 'invalid_request_error', 'body_too_large', `The body may be at most ${API_BODY_LIMIT} bytes.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return apiFailure(400, 'invalid_request_error', 'body_invalid', 'The body is not UTF-8.');
  }
  if (text.trim() === '') return { text: '', value: {} };
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) return apiFailure(415, 'invalid_request_error', 'content_type_invalid', 'Send the body as JSON (Content-Type: application/json).');
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return apiFailure(400, 'invalid_request_error', 'body_invalid', 'The body must be a JSON object.');
    return { text, value };
  } catch {
    return apiFailure(400, 'invalid_request_error', 'body_invalid', 'The body is not valid JSON.');
  }
}

function queryObject(url: URL): Record<string, string> | ApiFailure {
  const out: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name in out) return apiFailure(400, 'invalid_request_error', 'parameter_invalid', `Give ${name} once.`, name);
    out[name] = value;
  }
  return out;
}

export function newRequestId(): string {
  return `req_${randomBytes(12).toString('base64url')}`;
}

/**
 * Runs one API request: key (401) → rate limit (429) → scope (403) → input (400, naming the field) →
 * Idempotency-Key (POST: replay / 409 / 409 still running) → the handler → the stored answer, the key's
 * last use and one audit row by key id. Bad input never reaches a 500; the database being down is 503.
 */
export async function handleApiRequest(route: ApiRoute, request: Request, ctx: ApiContext, rawParams: Record<string, string> = {}): Promise<Response> {
  const requestId = newRequestId();
  const now = ctx.now?.() ?? new Date();
  const url = new URL(request.url);
  const ip = resolveClientIp({ socketIp: request.headers.get(SOCKET_IP_HEADER), forwardedFor: request.headers.get('x-forwarded-for'), trustedHops: ctx.trustedProxyHops });
  const userAgent = request.headers.get('user-agent')?.slice(0, 256) ?? null;
  let key: AuthenticatedKey | null = null;
  let claimed: string | null = null;
  const finished: { store: { key: string; status: number; body: string } | null } = { store: null };
  try {
    const auth = await authenticateApiKey(ctx.db, { secret: secretFromAuthorization(request.headers.get('authorization')), ip, mode: ctx.mode }, ctx.keyCache);
    if (!auth.ok) {
      const failure = auth.code === 'ip_not_allowed' ? apiFailure(403, 'permission_error', auth.code, AUTH_MESSAGES[auth.code]) : apiFailure(401, 'authentication_error', auth.code, AUTH_MESSAGES[auth.code]);
      return failureResponse(failure, requestId);
    }
    key = auth.key;
    // A POST with an Idempotency-Key takes its rate token in the statement that claims the key, once its input is
    // read and valid (one statement fewer on every such POST); if it is refused before that, the refusal takes
    // the token first, so 429 still comes before any other answer. Every other request takes it here.
    const tokenWithClaim = route.method === 'POST' && request.headers.get('idempotency-key') !== null;
    if (!tokenWithClaim) {
      const token = await takeRateToken(ctx.db, key.id, ctx.rateLimiter, now);
      if (!token.ok) return rateLimited(token.retryAfterSeconds);
    }
    const answer = await run(tokenWithClaim);
    // The stored answer of a claimed Idempotency-Key goes in the same statement as the key's use and audit row,
    // grouped with the other requests finishing at the same moment (one statement for them all).
    const store = finished.store;
    try {
      await recordApiKeyUseGrouped(ctx.db, { key, use: { ip, userAgent, method: route.method, path: url.pathname, status: answer.status, requestId, at: now }, idempotency: store });
    } catch (error) {
      console.error(`[api] ${requestId} could not record the key's use: ${(error as Error)?.message ?? error}`);
      if (store) await completeIdempotencyKey(ctx.db, { apiKeyId: key.id, key: store.key, status: store.status, body: store.body });
    }
    claimed = null;
    return answer;
  } catch (error) {
    const unavailable = isDatabaseUnavailable(error);
    if (!unavailable) console.error(`[api] ${requestId} ${route.operationId} failed:`, error);
    if (claimed && key) await releaseIdempotencyKey(ctx.db, { apiKeyId: key.id, key: claimed }).catch(() => {});
    return unavailable
      ? failureResponse(apiFailure(503, 'api_error', 'database_unavailable', 'The service is temporarily unavailable; retry with the same Idempotency-Key.', null, { 'retry-after': '5' }), requestId)
      : failureResponse(apiFailure(500, 'api_error', 'internal_error', 'Something went wrong on our side; retry with the same Idempotency-Key.'), requestId);
  }

  function rateLimited(retryAfter: number): Response {
    return failureResponse(apiFailure(429, 'rate_limit_error', 'rate_limited', `Too many requests with this key; retry in ${retryAfter} s.`, null, { 'retry-after': String(retryAfter) }), requestId);
  }

  /**
   * Claims the Idempotency-Key; while another request with it is still running, waits for its answer (polling,
   * up to IDEMPOTENCY_WAIT_MS) so that concurrent replays all answer the one stored response byte for byte.
   * Only a request that runs longer than that answers 409 with Retry-After.
   */
  async function claimOrWait(idempotencyKey: string, fingerprint: string, withToken: boolean) {
    const deadline = Date.now() + (ctx.idempotencyWaitMs ?? IDEMPOTENCY_WAIT_MS);
    for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
      const rate = withToken ? ctx.rateLimiter : undefined;
      withToken = false;
      const claim = await claimIdempotencyKey(ctx.db, { apiKeyId: key!.id, key: idempotencyKey, fingerprint, now: ctx.now?.() ?? new Date(), rate });
      const left = deadline - Date.now();
      if (claim.kind !== 'in_flight' || left <= 0) return claim;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    }
  }

  /** `tokenPending`: this request's rate token is still to be taken (with the claim, or by a refusal before it). */
  async function run(tokenPending: boolean): Promise<Response> {
    const refuse = async (failure: ApiFailure): Promise<Response> => {
      if (tokenPending) {
        tokenPending = false;
        const token = await takeRateToken(ctx.db, key!.id, ctx.rateLimiter, now);
        if (!token.ok) return rateLimited(token.retryAfterSeconds);
      }
      return failureResponse(failure, requestId);
    };
    if (route.access === 'write' && key!.scope !== 'read_write') {
      return refuse(apiFailure(403, 'permission_error', 'read_only_key', 'This API key is read-only.'));
    }
    const params = parseWith(route.params, rawParams, 'path');
    if (isApiFailure(params)) return refuse(params.status === 400 && params.param ? { ...params, status: 404, code: 'resource_missing', message: `No such object: ${params.param}.` } : params);
    const rawQuery = queryObject(url);
    if (isApiFailure(rawQuery)) return refuse(rawQuery);
    const query = parseWith(route.query, rawQuery, 'query');
    if (isApiFailure(query)) return refuse(query);
    let bodyText = '';
    let body: Record<string, unknown> = {};
    if (route.method === 'POST') {
      const read = await readBody(request);
      if (isApiFailure(read)) return refuse(read);
      bodyText = read.text;
      const parsed = parseWith(route.body, read.value, 'body');
      if (isApiFailure(parsed)) return refuse(parsed);
      body = parsed;
    }
    const idempotencyKey = route.method === 'POST' ? request.headers.get('idempotency-key') : null;
    if (idempotencyKey !== null) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX || !/^[\x21-\x7e]+$/.test(idempotencyKey)) {
        return refuse(apiFailure(400, 'invalid_request_error', 'idempotency_key_invalid', `The Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters.`, 'Idempotency-Key'));
      }
      const claim = await claimOrWait(idempotencyKey, requestFingerprint(route.method, url.pathname, bodyText), tokenPending);
      tokenPending = false;
      if (claim.kind === 'rate_limited') return rateLimited(claim.retryAfterSeconds);
      if (claim.kind === 'replay') return json(claim.status, claim.body, requestId, { 'idempotent-replayed': 'true' });
      if (claim.kind === 'conflict') {
        return failureResponse(apiFailure(409, 'idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used with another request; use a new key for a new request.', 'Idempotency-Key'), requestId);
      }
      if (claim.kind === 'in_flight') {
        return failureResponse(
          apiFailure(409, 'idempotency_error', 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running; retry shortly.', 'Idempotency-Key', { 'retry-after': String(claim.retryAfterSeconds) }),
          requestId,
        );
      }
      claimed = idempotencyKey;
    }
    const actor = apiKeyActor(key!, ip, userAgent);
    const result = await route.run(ctx, { params, query, body, actor, key: key!, idempotencyKey, requestId });
    const failure = isApiFailure(result) ? result : null;
    const status = failure ? failure.status : route.status;
    const text = failure ? errorBody(failure, requestId) : JSON.stringify(result);
    if (claimed) {
      if (status >= 500) {
        await releaseIdempotencyKey(ctx.db, { apiKeyId: key!.id, key: claimed });
        claimed = null;
      } else finished.store = { key: claimed, status, body: text };
    }
    return json(status, text, requestId, failure?.headers);
  }
}
