/**
 * The AMS HTTP front door: routes `/ams/api/v1/…` and `/ams/sandbox/api/v1/…`, checks transport and
 * signature, dispatches to the endpoint handler and signs the answer (ams-api.md §1, §16.3).
 *
 * Order of checks (each answers HTTP 200 with an Antom result; nothing here ever throws to the socket):
 *   path → NO_INTERFACE_DEF; method → METHOD_NOT_SUPPORTED; Content-Type → MEDIA_TYPE_NOT_ACCEPTABLE;
 *   size > 64 KiB → PARAM_ILLEGAL; Client-Id / Request-Time headers → PARAM_ILLEGAL; unknown client →
 *   INVALID_CLIENT; unknown keyVersion → KEY_NOT_FOUND; signature → INVALID_SIGNATURE; JSON → PARAM_ILLEGAL;
 *   then the endpoint's own field checks.
 * Signature failures (and unknown client/key) are answered unsigned, as Antom may; every other answer
 * is signed over `POST <path as requested>\n<Client-Id>.<Response-Time>.<body>` with lowercase header
 * names (the Python SDK reads them case-sensitively in lowercase).
 */
import { errorLine, log } from '@/lib/log';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { loadPublicKey } from '../alipay/keys';
import { buildSignContent, formatSignatureHeader, parseSignatureHeader, signContent, verifyContent } from '../alipay/signature';
import { applyToken, consult, queryToken, revoke } from './authorization-api';
import type { AmsCall, AmsHandler, SimContext } from './context';
import { declare, inquiryDeclarationRequests } from './customs-api';
import { cancel, inquiryPayment, pay } from './payment-api';
import { inquiryRefund, refund } from './refund-api';
import { pickScenario } from './scenarios';
import { readBody } from '../http/read-node-body';
import { isObject, ParamIllegal, parseRequestTime } from './validate';
import { isoTime, result, type AlipayResult, type ResultCode } from './wire';

export const MAX_BODY_BYTES = 64 * 1024;

const ENDPOINTS: Record<string, AmsHandler> = {
  'authorizations/consult': consult,
  'authorizations/applyToken': applyToken,
  'authorizations/revoke': revoke,
  'authorizations/query': queryToken,
  'payments/pay': pay,
  'payments/inquiryPayment': inquiryPayment,
  'payments/cancel': cancel,
  'payments/refund': refund,
  'payments/inquiryRefund': inquiryRefund,
  'customs/declare': declare,
  'customs/inquiryDeclarationRequests': inquiryDeclarationRequests,
};

const PREFIX = /^\/ams\/(sandbox\/)?api\/v1\/(.+)$/;

export interface CallLogEntry {
  at: number;
  clientId: string;
  path: string;
  resultCode: string;
  resultStatus: string;
  ms: number;
}

export interface GatewayDeps {
  ctx: SimContext;
  privateKey: KeyObject;
  keyVersion: string;
  /** Recent calls for the home page (bounded ring). */
  calls: CallLogEntry[];
}

/** Parsed merchant public keys, cached by PEM so the request path never re-parses a key. */
const keyCache = new Map<string, KeyObject>();
function publicKeyFor(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    key = loadPublicKey(pem);
    keyCache.set(pem, key);
  }
  return key;
}

/** True when the request is for the AMS API (the server routes it here). */
export function isAmsPath(pathname: string): boolean {
  return pathname.startsWith('/ams/');
}

function header(req: IncomingMessage, name: string): { value?: string; duplicated: boolean } {
  const all = req.headersDistinct[name];
  if (!all || all.length === 0) return { duplicated: false };
  return { value: all[0], duplicated: all.length > 1 };
}

export async function handleAms(req: IncomingMessage, res: ServerResponse, pathname: string, deps: GatewayDeps): Promise<void> {
  const started = performance.now();
  const clientHeader = header(req, 'client-id');
  const requestTimeHeader = header(req, 'request-time');
  const clientIdForLog = clientHeader.value ?? '';

  const send = (body: Record<string, unknown>, signed: boolean, holdMs = 0, closeConnection = false): void => {
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
    const clientId = clientHeader.value;
    if (signed && clientId !== undefined) {
      // Response-Time in the style the client used (epoch ms or ISO 8601), ams-api.md §16.3; real time,
      // not simulated time, so the client's freshness checks hold after a clock advance.
      const now = Date.now();
      const time = requestTimeHeader.value && /^\d+$/.test(requestTimeHeader.value) ? String(now) : isoTime(now);
      const signature = signContent(buildSignContent({ method: 'POST', path: pathname, clientId, time, body: text }), deps.privateKey);
      headers['client-id'] = clientId;
      headers['response-time'] = time;
      headers['signature'] = formatSignatureHeader({ keyVersion: deps.keyVersion, signature });
    }
    if (closeConnection) headers['connection'] = 'close';
    const r = body['result'] as AlipayResult | undefined;
    deps.calls.push({
      at: deps.ctx.clock.now(),
      clientId: clientIdForLog,
      path: pathname,
      resultCode: r?.resultCode ?? '',
      resultStatus: r?.resultStatus ?? '',
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
    if (deps.calls.length > 200) deps.calls.splice(0, deps.calls.length - 200);
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(200, headers);
      res.end(text);
    };
    if (holdMs > 0) setTimeout(write, holdMs).unref();
    else write();
  };
  const fail = (code: ResultCode, message?: string, signed = true, closeConnection = false) =>
    send({ result: result(code, message) }, signed, 0, closeConnection);

  const match = PREFIX.exec(pathname);
  const endpoint = match?.[2];
  const handler = endpoint ? ENDPOINTS[endpoint] : undefined;
  if (!handler || !endpoint) {
    req.resume();
    fail('NO_INTERFACE_DEF', `No API is defined at ${pathname.slice(0, 200)}.`);
    return;
  }
  if (req.method !== 'POST') {
    req.resume();
    fail('METHOD_NOT_SUPPORTED', `${req.method ?? 'This method'} is not supported; use POST.`);
    return;
  }
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(contentType)) {
    req.resume();
    fail('MEDIA_TYPE_NOT_ACCEPTABLE');
    return;
  }
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (!raw) {
    fail('PARAM_ILLEGAL', `The request body exceeds ${MAX_BODY_BYTES} bytes.`, true, true);
    return;
  }
  const bodyText = raw.toString('utf8');

  for (const [name, h] of [
    ['Client-Id', clientHeader],
    ['Request-Time', requestTimeHeader],
  ] as const) {
    if (h.duplicated) return fail('PARAM_ILLEGAL', `The ${name} header is present more than once.`);
    if (!h.value) return fail('PARAM_ILLEGAL', `The ${name} header is missing.`);
  }
  const clientId = clientHeader.value as string;
  const requestTimeMs = parseRequestTime(requestTimeHeader.value as string);
  if (requestTimeMs === undefined) return fail('PARAM_ILLEGAL', 'The Request-Time header must be epoch milliseconds or ISO 8601.');

  const client = deps.ctx.store.state.clients[clientId];
  if (!client) return fail('INVALID_CLIENT', `The client ID ${clientId.slice(0, 64)} is not registered.`, false);
  const sigHeader = header(req, 'signature');
  if (sigHeader.duplicated) return fail('INVALID_SIGNATURE', 'The Signature header is present more than once.', false);
  let parsed: ReturnType<typeof parseSignatureHeader>;
  try {
    let text = sigHeader.value ?? '';
    // keyVersion may be omitted: Antom then uses the client's latest key (ams-api.md §1.3).
    if (text !== '' && !/(^|,)\s*keyversion\s*=/i.test(text)) {
      const latest = Object.keys(client.keys).sort((a, b) => Number(b) - Number(a))[0] ?? '1';
      text = `${text},keyVersion=${latest}`;
    }
    parsed = parseSignatureHeader(text);
  } catch (e) {
    return fail('INVALID_SIGNATURE', e instanceof Error ? e.message : 'The Signature header is malformed.', false);
  }
  const pem = client.keys[parsed.keyVersion];
  if (!pem) return fail('KEY_NOT_FOUND', `No public key with keyVersion ${parsed.keyVersion} is registered for ${clientId}.`, false);
  const content = buildSignContent({ method: 'POST', path: pathname, clientId, time: requestTimeHeader.value as string, body: bodyText });
  if (!verifyContent(content, parsed.signature, publicKeyFor(pem))) {
    return fail(
      'INVALID_SIGNATURE',
      `Signature verification failed for POST ${pathname}: check the private key matches the registered public key, the signed path (with /ams/sandbox when used), and that the raw body was signed.`,
      false,
    );
  }

  const scenarioHeader = header(req, 'x-simulator-scenario').value;
  const byHeader = pickScenario('other', scenarioHeader)?.scenario.name;
  if (byHeader === 'rate-limited') return fail('REQUEST_TRAFFIC_EXCEED_LIMIT');
  if (byHeader === 'unknown-exception') return fail('UNKNOWN_EXCEPTION');

  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return fail('PARAM_ILLEGAL', 'The request body is not valid JSON.');
  }
  if (!isObject(body)) return fail('PARAM_ILLEGAL', 'The request body must be a JSON object.');
  const delayRaw = header(req, 'x-simulator-delay-seconds').value;
  const call: AmsCall = {
    endpoint,
    client,
    body,
    ...(scenarioHeader ? { scenarioHeader } : {}),
    ...(delayRaw && /^\d{1,6}$/.test(delayRaw) ? { delaySeconds: Number(delayRaw) } : {}),
    sandbox: match?.[1] !== undefined,
    requestTimeMs,
  };
  try {
    const answer = handler(deps.ctx, call);
    send(answer.body, true, answer.holdMs ?? 0);
  } catch (e) {
    if (e instanceof ParamIllegal) return fail('PARAM_ILLEGAL', e.message);
    // Never a stack trace on the wire: an internal bug looks like Antom's unknown exception.
    log().error({ path: pathname, err: errorLine(e) }, 'simulator internal error');
    return fail('UNKNOWN_EXCEPTION');
  }
}
