// Generated requests (fast-check) for every route a client or Antom can reach without a staff session: the
// notification routes (signed with the right key, the wrong key, or carrying a mangled Signature header), the
// merchant API /api/v1 (every route of its table, with and without a valid key), health, metrics and the
// buyer routes (/authorize/…, /pay/…). Shared by the 100,000-input run (tests/reliability/route-fuzz.test.ts)
// and the 2,000-input run of `npm test` (e2e/route-fuzz.spec.ts). Only plain dependencies (fast-check,
// node:http, lib/alipay/signature): Playwright loads it too.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { buildSignContent, formatSignatureHeader, signContent } from '../../lib/alipay/signature';

export interface FuzzRequest {
  /** Which family of routes the request is for (for the per-family counts). */
  target: 'notify' | 'api' | 'health' | 'metrics' | 'buyer' | 'other';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FuzzSecrets {
  /** Antom's (the simulator's) private key, so some notifications verify and reach the parser; null: none do. */
  antomPrivateKey: KeyObject | null;
  clientId: string;
  /** A valid merchant API key (read_write), or null. */
  apiKey: string | null;
  metricsToken: string | null;
}

const STRANGER = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const SCALARS = ['', 'x', '0', '-1', '1e400', '-0', '9'.repeat(40), 'NaN', 'null', 'true', '<script>', "' or 1=1--", '../../etc/passwd', '%00', '%', '00000000-0000-4000-8000-000000000000', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', 'PHP', 'JPY', 'KWD', 'GCASH', '2026-12-01T12:00:00+08:00', 'S', 'F', 'U'];
const scalar = fc.oneof(fc.constantFrom(...SCALARS), printable, fc.string({ maxLength: 30 }), fc.uuid());
/** A JSON value: mostly near the shapes the routes expect, sometimes anything. */
const jsonLeaf = fc.oneof(scalar, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String));
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLeaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(scalar, fc.constantFrom('amount', 'currency', 'result', '__proto__', 'constructor')), tie('value'), { maxKeys: 4 })),
})).value;

/** An object with the given keys, each present or not, each value plausible or junk. */
function nearShape(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(fields)) record[k] = fc.oneof({ weight: 3, arbitrary: v }, { weight: 1, arbitrary: jsonValue });
  return fc.tuple(fc.record(record, { requiredKeys: [] }), fc.dictionary(scalar, jsonLeaf, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a }));
}

const result = nearShape({ resultCode: fc.constantFrom('SUCCESS', 'PROCESS_FAIL', 'USER_BALANCE_NOT_ENOUGH', 'PAYMENT_IN_PROCESS'), resultStatus: fc.constantFrom('S', 'F', 'U', 'X'), resultMessage: scalar });
const amount = nearShape({ currency: fc.constantFrom('PHP', 'JPY', 'KWD', 'XXX', 'php'), value: fc.oneof(fc.bigInt({ min: -5n, max: 10n ** 17n }).map(String), scalar) });
const notificationBodies: Record<'payment' | 'refund' | 'authorization', fc.Arbitrary<unknown>> = {
  payment: nearShape({ notifyType: fc.constantFrom('PAYMENT_RESULT', 'PAYMENT_PENDING', 'CAPTURE_RESULT', 'X'), result, paymentRequestId: scalar, paymentId: scalar, paymentAmount: amount, paymentCreateTime: scalar, paymentTime: scalar }),
  refund: nearShape({ result, refundStatus: fc.constantFrom('SUCCESS', 'FAIL', 'PROCESSING'), refundRequestId: scalar, refundId: scalar, refundAmount: amount, refundTime: scalar }),
  authorization: nearShape({ authorizationNotifyType: fc.constantFrom('AUTHCODE_CREATED', 'TOKEN_CANCELED', 'X'), authState: scalar, authCode: scalar, accessToken: scalar, reason: scalar, result }),
};

/** The body as bytes: JSON of the value, or raw junk (cut JSON, binary, empty). */
function bodyBytes(value: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: value.chain((v) => { const s = JSON.stringify(v) ?? ''; return fc.nat({ max: s.length }).map((n) => Buffer.from(s.slice(0, n))); }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  );
}

/** A Signature header: valid, the stranger's, or mangled in the ways a parser trips on. */
function signatureHeader(valid: string): fc.Arbitrary<string | undefined> {
  const sig = valid.replace(/^.*signature=/, '');
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(valid) },
    fc.constant(undefined),
    printable,
    fc.tuple(fc.constantFrom('algorithm=RSA256', 'algorithm=rsa256', 'algorithm=SHA256withRSA', 'algorithm=', ''), fc.constantFrom('keyVersion=1', 'keyVersion=2', 'keyVersion=99', 'keyVersion=', 'keyVersion=1,keyVersion=1', ''), fc.oneof(fc.constant(sig), fc.nat({ max: sig.length }).map((n) => sig.slice(0, n)), printable), fc.constantFrom(',', ', ', ';', ',,'))
      .map(([a, k, s, sep]) => [a, k, `signature=${s}`].filter(Boolean).join(sep)),
  );
}

function notifyRequest(secrets: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom('payment', 'refund', 'authorization').chain((channel) => {
    const path = `/api/alipay/notify/${channel}`;
    return fc
      .record({
        body: bodyBytes(notificationBodies[channel as keyof typeof notificationBodies]),
        key: fc.constantFrom('antom', 'antom', 'antom', 'stranger'),
        clientId: fc.oneof({ weight: 5, arbitrary: fc.constant(secrets.clientId) }, { weight: 1, arbitrary: printable }),
        time: fc.oneof({ weight: 5, arbitrary: fc.constant('now') }, { weight: 1, arbitrary: printable }, { weight: 1, arbitrary: fc.constantFrom('2020-01-01T00:00:00Z', '2099-01-01T00:00:00+08:00') }),
        contentType: fc.constantFrom('application/json; charset=UTF-8', 'application/json', 'text/plain', ''),
        tamper: fc.constantFrom('none', 'none', 'none', 'flip', 'append'),
      })
      .chain(({ body, key, clientId, time, contentType, tamper }) => {
        const requestTime = time === 'now' ? new Date().toISOString() : time;
        const privateKey = key === 'antom' && secrets.antomPrivateKey ? secrets.antomPrivateKey : STRANGER;
        const text = body.toString('utf8');
        const valid = formatSignatureHeader({ keyVersion: '1', signature: signContent(buildSignContent({ method: 'POST', path, clientId, time: requestTime, body: text }), privateKey) });
        const sent = tamper === 'flip' && body.length > 0 ? Buffer.from(body.map((b, i) => (i === 0 ? b ^ 1 : b))) : tamper === 'append' ? Buffer.concat([body, Buffer.from(' ')]) : Buffer.from(text);
        return signatureHeader(valid).map((signature) => ({
          target: 'notify' as const,
          method: 'POST',
          path,
          headers: { ...(contentType ? { 'content-type': contentType } : {}), 'client-id': clientId, 'request-time': requestTime, ...(signature !== undefined ? { signature } : {}) },
          body: sent,
        }));
      });
  });
}

const API_PATHS: [string, string][] = [
  ['POST', '/v1/customers'], ['GET', '/v1/customers'], ['GET', '/v1/customers/{id}'],
  ['POST', '/v1/authorization_links'], ['GET', '/v1/authorization_links/{id}'],
  ['GET', '/v1/agreements'], ['GET', '/v1/agreements/{id}'], ['POST', '/v1/agreements/{id}/revoke'],
  ['POST', '/v1/charges'], ['GET', '/v1/charges'], ['GET', '/v1/charges/{id}'],
  ['POST', '/v1/refunds'], ['GET', '/v1/refunds'], ['GET', '/v1/refunds/{id}'],
  ['POST', '/v1/payment_requests'],
  ['POST', '/v1/schedules'], ['GET', '/v1/schedules'], ['GET', '/v1/schedules/{id}'], ['POST', '/v1/schedules/{id}/pause'], ['POST', '/v1/schedules/{id}/resume'], ['POST', '/v1/schedules/{id}/cancel'],
  ['GET', '/v1/events'], ['GET', '/v1/openapi.json'], ['GET', '/v1/nothing-here'],
];
const apiBody = nearShape({
  agreement_id: fc.uuid(), customer_id: fc.uuid(), charge_id: fc.uuid(), amount: fc.oneof(fc.bigInt({ min: -1n, max: 10n ** 16n }).map(String), scalar), currency: fc.constantFrom('PHP', 'JPY', 'KWD', 'XXX'),
  description: scalar, reference: scalar, reason: scalar, name: scalar, email: fc.oneof(fc.emailAddress(), scalar), country: fc.constantFrom('PH', 'JP', 'XX'), phone: scalar,
  preferred_language: fc.constantFrom('en', 'fil', 'ja', 'xx'), interval: fc.constantFrom('month', 'week', 'year', 'x'), interval_count: fc.integer({ min: -2, max: 400 }), start_date: scalar,
  expires_in_hours: fc.integer({ min: -1, max: 10_000 }), at_period_end: fc.boolean(), back_bill: fc.boolean(), metadata: jsonValue, plan: jsonValue,
});
const queryString = fc.array(fc.tuple(fc.constantFrom('limit', 'starting_after', 'ending_before', 'customer_id', 'agreement_id', 'charge_id', 'schedule_id', 'status', 'created[gte]', 'type', 'x'), scalar), { maxLength: 3 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
const idSegment = fc.oneof(fc.uuid(), scalar.map((s) => encodeURIComponent(s) || 'x'));

function apiRequest(secrets: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      route: fc.constantFrom(...API_PATHS),
      method: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') }),
      id: idSegment,
      query: queryString,
      body: bodyBytes(apiBody),
      auth: fc.oneof({ weight: 4, arbitrary: fc.constant(secrets.apiKey ? `Bearer ${secrets.apiKey}` : 'Bearer none') }, fc.constant(''), printable.map((s) => `Bearer ${s}`), printable),
      idempotencyKey: fc.option(printable, { nil: undefined }),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
    })
    .map(({ route, method, id, query, body, auth, idempotencyKey, contentType }) => {
      const verb = method || route[0];
      const withBody = verb !== 'GET' && verb !== 'HEAD';
      return {
        target: 'api' as const,
        method: verb,
        path: `/api${route[1].replace('{id}', id)}${query}`,
        headers: { ...(auth ? { authorization: auth } : {}), ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}), ...(withBody && contentType ? { 'content-type': contentType } : {}) },
        ...(withBody ? { body } : {}),
      };
    });
}

function healthOrMetricsRequest(secrets: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: fc.constantFrom('/api/health', '/api/health/live', '/api/health/ready', '/api/metrics'),
      method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'),
      query: queryString,
      auth: fc.oneof(fc.constant(secrets.metricsToken ? `Bearer ${secrets.metricsToken}` : ''), fc.constant(''), printable.map((s) => `Bearer ${s}`), printable),
      body: fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)),
    })
    .map(({ path, method, query, auth, body }) => ({
      target: path === '/api/metrics' ? ('metrics' as const) : ('health' as const),
      method,
      path: `${path}${query}`,
      headers: { ...(auth ? { authorization: auth } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { body } : {}),
    }));
}

function buyerRequest(): fc.Arbitrary<FuzzRequest> {
  const token = fc.oneof(fc.base64String({ minLength: 10, maxLength: 60 }).map((s) => s.replace(/[+/=]/g, 'x')), scalar.map((s) => encodeURIComponent(s) || 'x'));
  const form = fc.array(fc.tuple(fc.constantFrom('paymentMethod', 'wallet', 'formToken', 'lang', 'terminalType', 'confirm', 'csrf', 'x'), scalar), { maxLength: 4 })
    .map((pairs) => Buffer.from(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')));
  return fc
    .record({
      kind: fc.constantFrom('authorize', 'start', 'manage', 'return', 'result', 'problem', 'pay', 'confirm'),
      token,
      uuid: fc.uuid(),
      query: fc.array(fc.tuple(fc.constantFrom('authCode', 'authState', 'lang', 'error', 'code', 'x'), scalar), { maxLength: 3 }).map((p) => (p.length ? `?${p.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '')),
      post: fc.boolean(),
      body: fc.oneof(form, fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))),
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', ''),
      origin: fc.constantFrom('', 'https://evil.example', 'null'),
    })
    .map(({ kind, token, uuid, query, post, body, contentType, origin }) => {
      const path = { authorize: `/authorize/${token}`, start: `/authorize/${token}/start`, manage: `/authorize/${token}/manage`, return: '/authorize/return', result: `/authorize/result/${uuid}`, problem: '/authorize/problem', pay: `/pay/${token}`, confirm: `/pay/${token}/confirm` }[kind];
      const method = kind === 'start' || kind === 'confirm' ? (post ? 'POST' : 'GET') : post ? 'POST' : 'GET';
      return {
        target: 'buyer' as const,
        method,
        path: `${path}${query}`,
        headers: { ...(method === 'POST' && contentType ? { 'content-type': contentType } : {}), ...(origin ? { origin } : {}) },
        ...(method === 'POST' ? { body } : {}),
      };
    });
}

/** Every route family, in proportion: notifications and the API most (they parse the most). */
export function fuzzRequests(secrets: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 4, arbitrary: notifyRequest(secrets) },
    { weight: 4, arbitrary: apiRequest(secrets) },
    { weight: 1, arbitrary: healthOrMetricsRequest(secrets) },
    { weight: 2, arbitrary: buyerRequest() },
  );
}

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** Sends one request over HTTP/1.1 (node:http: raw bytes, no fetch-side normalising); null: the client refused to send it. */
export function send(baseUrl: string, request: FuzzRequest, timeoutMs = 30_000): Promise<FuzzAnswer | null> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = http.request({ agent, host: url.hostname, port: url.port, method: request.method, path: request.path, headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) }, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => { if (chunks.length < 64) chunks.push(c); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
        res.on('error', reject);
      });
    } catch {
      resolve(null); // node:http refuses the header or path itself: nothing reached the server
      return;
    }
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** What an answer must be: never a 5xx; a 4xx from the API or a notify route carries a typed JSON error. */
export function answerProblem(request: FuzzRequest, answer: FuzzAnswer): string | null {
  if (answer.status >= 500 || answer.status < 100) return `HTTP ${answer.status}`;
  if (answer.status >= 400 && (request.target === 'api' || request.target === 'notify') && request.method !== 'HEAD') {
    let code: unknown;
    try {
      code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    } catch {
      return `HTTP ${answer.status} without a JSON error body (${answer.contentType}): ${answer.body.slice(0, 120)}`;
    }
    if (typeof code !== 'string' || code.length === 0) return `HTTP ${answer.status} without error.code: ${answer.body.slice(0, 120)}`;
  }
  return null;
}

export interface FuzzRun {
  sent: number;
  refusedByClient: number;
  byTarget: Record<string, number>;
  byStatus: Record<string, number>;
  problems: { request: Omit<FuzzRequest, 'body'> & { body?: string }; problem: string }[];
  problemCount: number;
  seconds: number;
}

/**
 * Generates `total` requests (seeded: the same seed sends the same requests), in batches, and sends them with
 * `concurrency` at once. `between` runs between batches (a heap probe, say).
 */
export async function runFuzz(options: { baseUrl: string; secrets: FuzzSecrets; total: number; seed: number; concurrency?: number; batch?: number; onBatch?: (done: number) => Promise<void> }): Promise<FuzzRun> {
  const started = performance.now();
  const arbitrary = fuzzRequests(options.secrets);
  const run: FuzzRun = { sent: 0, refusedByClient: 0, byTarget: {}, byStatus: {}, problems: [], problemCount: 0, seconds: 0 };
  const batchSize = options.batch ?? 1000;
  for (let done = 0, round = 0; done < options.total; round++) {
    const size = Math.min(batchSize, options.total - done);
    const requests = fc.sample(arbitrary, { numRuns: size, seed: options.seed + round });
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 8 }, async () => {
        for (;;) {
          const request = requests[next++];
          if (!request) return;
          run.byTarget[request.target] = (run.byTarget[request.target] ?? 0) + 1;
          let answer: FuzzAnswer | null;
          try {
            answer = await send(options.baseUrl, request);
          } catch (error) {
            run.problemCount++;
            run.problems.push({ request: { ...request, body: request.body?.toString('utf8').slice(0, 300) }, problem: `no answer: ${(error as Error).message}` });
            continue;
          }
          if (!answer) {
            run.refusedByClient++;
            continue;
          }
          run.sent++;
          const bucket = `${answer.status}`;
          run.byStatus[bucket] = (run.byStatus[bucket] ?? 0) + 1;
          const problem = answerProblem(request, answer);
          if (problem) run.problemCount++;
          if (problem && run.problems.length < 50) run.problems.push({ request: { ...request, body: request.body?.toString('utf8').slice(0, 300) }, problem });
        }
      }),
    );
    done += size;
    await options.onBatch?.(done);
  }
  run.seconds = (performance.now() - started) / 1000;
  return run;
}
