/**
 * Requests refused before Next.js sees them (scripts/serve-next.ts), each with the 4xx it deserves instead
 * of the 500 Next answers (and logs) today: TRACE/TRACK/CONNECT, a path with malformed %-encoding, a NUL
 * anywhere in the URL, a POST from a foreign Origin (server actions, also no-JavaScript form posts of one),
 * server actions whose arguments are not form data, and action bodies Next would throw on (a truncated
 * multipart body, a malformed BigInt argument). Pure (headers/bytes in, answer out) so every case is unit-tested.
 */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;
/** Buyer forms are a few fields; Next's proxy would otherwise buffer up to 10 MB before our route runs. */
export const BUYER_FORM_BODY_LIMIT = 8 * 1024;

export interface GuardInput {
  method: string | undefined;
  url: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type GuardAnswer = { status: 400 | 403 | 404 | 405 | 411 | 413 | 415; message: string; allow?: string };

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']);

function header(input: GuardInput, name: string): string | undefined {
  const value = input.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Signed server-to-server posts (no browser, no cookies): Origin rules do not apply. */
function isNotifyPath(path: string): boolean {
  return path.startsWith('/api/alipay/notify/');
}

/** The routes that answer JSON (their refusals are typed JSON errors too: see jsonRefusal). */
export function isJsonApiPath(path: string): boolean {
  return path.startsWith('/api/v1/') || path === '/api/v1' || isNotifyPath(path) || path === '/api/health' || path.startsWith('/api/health/') || path === '/api/metrics';
}

const REFUSAL_CODES: Record<number, string> = { 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 408: 'request_timeout', 411: 'length_required', 413: 'body_too_large', 415: 'unsupported_media_type', 429: 'rate_limited' };

/** A guard refusal as the JSON routes answer errors: `{ error: { type, code, message } }`. */
export function jsonRefusal(status: number, message: string): string {
  return JSON.stringify({ error: { type: 'invalid_request_error', code: REFUSAL_CODES[status] ?? 'invalid_request', message } });
}

/** Pages (not route handlers): where Next runs server actions, with or without JavaScript. */
function isPagePath(path: string): boolean {
  return !path.startsWith('/api/') && !path.startsWith('/authorize/') && !path.startsWith('/pay/') && !path.startsWith('/_next/') && path !== '/dashboard/reconciliation/upload' && path !== '/dashboard/reconciliation/export';
}

function isForeignOrigin(input: GuardInput): boolean {
  const origin = header(input, 'origin');
  if (origin === 'null') return true;
  if (origin === undefined) return header(input, 'sec-fetch-site') === 'cross-site';
  const host = header(input, 'x-forwarded-host') ?? header(input, 'host');
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    // unparsable: treated as foreign
  }
  return !host || originHost !== host;
}

/** A POST whose body Next decodes as a server action: the Next-Action header, or a form posted to a page (no JavaScript). */
export function isActionPost(input: GuardInput): boolean {
  if ((input.method ?? '').toUpperCase() !== 'POST') return false;
  if (header(input, 'next-action') !== undefined) return true;
  const path = (input.url ?? '/').split('?')[0]!;
  return isPagePath(path);
}

export function guardRequest(input: GuardInput): GuardAnswer | null {
  const method = (input.method ?? 'GET').toUpperCase();
  if (!ALLOWED_METHODS.has(method)) return { status: 405, message: 'Method not allowed.', allow: 'GET, HEAD, POST' };
  const url = input.url ?? '/';
  const path = url.split('?')[0]!;
  try {
    decodeURIComponent(path);
  } catch {
    return { status: 400, message: 'Malformed URL encoding.' };
  }
  // A NUL is never part of an id, a filter or a path; PostgreSQL refuses text holding one (a 500).
  // The JSON routes (the merchant API, notifications, health, metrics) take GET, HEAD and POST only;
  // Next would answer any other method there with an empty 405, this answers a typed one.
  // (No CORS: OPTIONS too.) The OpenAPI document is GET only.
  if (isJsonApiPath(path) && (!['GET', 'HEAD', 'POST'].includes(method) || (method === 'POST' && path === '/api/v1/openapi.json'))) {
    return { status: 405, message: 'Method not allowed.', allow: path === '/api/v1/openapi.json' ? 'GET, HEAD' : 'GET, HEAD, POST' };
  }
  if (/%00/i.test(url) || url.includes('\0')) return { status: 400, message: 'The address contains a NUL character.' };
  // Next's own error page, reachable by its path, answers 500 by design.
  if (path === '/_global-error' || path.startsWith('/_global-error/')) return { status: 404, message: 'Not found.' };
  if (method === 'POST' && !isNotifyPath(path) && isForeignOrigin(input)) return { status: 403, message: 'Cross-site requests are not accepted.' };
  if (method === 'POST' && path.startsWith('/authorize/')) {
    const length = header(input, 'content-length');
    // Browsers always declare a form's length; refusing chunked bodies here caps what anyone can make us read.
    if (length === undefined) return { status: 411, message: 'Form posts must declare their length.' };
    if (!/^\d+$/.test(length)) return { status: 400, message: 'Bad Content-Length.' };
    if (Number(length) > BUYER_FORM_BODY_LIMIT) return { status: 413, message: 'Form too large.' };
  }
  if (isActionPost(input)) {
    const type = (header(input, 'content-type') ?? '').toLowerCase();
    // Every action of this portal is called with form data (forms, useActionState): arguments as JSON text are
    // never ours, and they are where Next's argument decoding throws (a FormData action given ["x"]).
    if (header(input, 'next-action') !== undefined && !type.startsWith('multipart/form-data')) return { status: 415, message: 'Server actions take form data.' };
    if (header(input, 'next-action') === undefined && !type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded')) {
      return { status: 415, message: 'Pages accept form posts only.' };
    }
    const length = header(input, 'content-length');
    if (length === undefined) return { status: 411, message: 'Action requests must declare their length.' };
    if (!/^\d+$/.test(length)) return { status: 400, message: 'Bad Content-Length.' };
    if (Number(length) > SERVER_ACTION_BODY_LIMIT) return { status: 413, message: 'Request body too large.' };
  }
  return null;
}

/** The multipart boundary of a request, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  const match = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2])! : null;
}

/** The fields of a multipart body (names and text values, file parts marked), or null when it is not well formed. */
export function multipartFields(body: string, boundary: string): [string, string, boolean][] | null {
  const delimiter = `--${boundary}`;
  if (!body.startsWith(`${delimiter}\r\n`)) return null;
  const end = body.lastIndexOf(`\r\n${delimiter}--`);
  if (end < 0 || body.slice(end + delimiter.length + 4).replace(/\r\n/g, '') !== '') return null;
  const fields: [string, string, boolean][] = [];
  for (const part of body.slice(delimiter.length + 2, end).split(`\r\n${delimiter}\r\n`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const head = part.slice(0, split);
    const name = /content-disposition:\s*form-data;\s*name="([^"]*)"/i.exec(head);
    if (!name) return null;
    fields.push([name[1]!, part.slice(split + 4), /;\s*filename\*?=/i.test(head)]);
  }
  return fields;
}

/**
 * A Flight reply value Next decodes without throwing, as this portal's forms produce it: strings that are
 * not references (or "$$…" escapes), "$undefined", "$K<n>" (a FormData), "$n<integer>" (BigInt), "$D…"
 * (a date), and the number specials. Everything else ("$@", "$Q", "$B", "$T", "$F", "$R"… references to
 * parts that must exist and be of the right kind) is where Next's decoder throws or waits forever.
 */
const SAFE_REFERENCE = /^\$(?:\$[\s\S]*|undefined|K\d{1,6}|n-?\d{1,400}|D[\s\S]{1,40}|-0|Infinity|-Infinity|NaN)$/;

function safeReplyValue(node: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (typeof node === 'string') return !node.startsWith('$') || SAFE_REFERENCE.test(node);
  if (Array.isArray(node)) return node.every((v) => safeReplyValue(v, depth + 1));
  if (node && typeof node === 'object') return Object.values(node).every((v) => safeReplyValue(v, depth + 1));
  return true;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const INCOMPLETE: GuardAnswer = { status: 400, message: 'The form data is incomplete (upload cut short?).' };
const BAD_ARGUMENTS: GuardAnswer = { status: 400, message: 'The action arguments are malformed.' };

/**
 * An action body (≤ SERVER_ACTION_BODY_LIMIT, already read) that Next would answer with a 500 (and a stack
 * in the log): a multipart body without its boundary or cut before its closing delimiter; with the
 * Next-Action header, an argument list (field "0") missing, not a JSON array, or holding references Next
 * cannot resolve; without it (a no-JavaScript form post), `$ACTION_…` fields that do not form a whole
 * action reference. Anything else is left to Next and the action's own input checks.
 */
export function guardActionBody(input: GuardInput, body: Uint8Array): GuardAnswer | null {
  const contentType = header(input, 'content-type');
  const type = (contentType ?? '').toLowerCase();
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let fields: [string, string, boolean][];
  if (type.startsWith('multipart/form-data')) {
    const boundary = multipartBoundary(contentType);
    if (!boundary) return { status: 400, message: 'The form data has no boundary.' };
    const parsed = multipartFields(text, boundary);
    if (!parsed) return INCOMPLETE;
    fields = parsed;
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    try {
      fields = [...new URLSearchParams(text)].map(([k, v]): [string, string, boolean] => [k, v, false]);
    } catch {
      return BAD_ARGUMENTS;
    }
  } else {
    return null;
  }
  const byName = new Map(fields.map(([name, value]) => [name, value]));
  // The argument list and action references are text, once each: a file there, or a second copy, is where
  // Next's decoder waits for a stream that never comes ("Connection closed").
  const special = (name: string) => name === '0' || name.startsWith('$ACTION_') || /^\d+$/.test(name);
  const seen = new Set<string>();
  for (const [name, , isFile] of fields) {
    if (!special(name)) continue;
    if (isFile || seen.has(name)) return BAD_ARGUMENTS;
    seen.add(name);
  }
  if (header(input, 'next-action') !== undefined) {
    // Only the argument list ("0") and FormData fields ("<n>_name") are ours; other numbered parts are outlined Flight chunks.
    if (fields.some(([name]) => /^\d+$/.test(name) && name !== '0')) return BAD_ARGUMENTS;
    const args = parseJson(byName.get('0'));
    if (!Array.isArray(args) || !safeReplyValue(args)) return BAD_ARGUMENTS;
    return null;
  }
  // A no-JavaScript post: `$ACTION_ID_<id>` (an unbound action) or `$ACTION_REF_<n>` with `$ACTION_<n>:0`
  // ({ id, bound }) and, when bound is "$@<k>", `$ACTION_<n>:<k>` (a JSON argument list).
  for (const [name] of fields) {
    const ref = /^\$ACTION_REF_(\d{1,6})$/.exec(name);
    if (ref) {
      const meta = parseJson(byName.get(`$ACTION_${ref[1]}:0`)) as { id?: unknown; bound?: unknown } | undefined;
      if (!meta || typeof meta !== 'object' || typeof meta.id !== 'string') return BAD_ARGUMENTS;
      if (meta.bound !== null && meta.bound !== undefined) {
        const k = typeof meta.bound === 'string' ? /^\$@(\d{1,6})$/.exec(meta.bound) : null;
        const bound = k ? parseJson(byName.get(`$ACTION_${ref[1]}:${k[1]}`)) : undefined;
        if (!Array.isArray(bound) || !safeReplyValue(bound)) return BAD_ARGUMENTS;
      }
    } else if (name.startsWith('$ACTION_ID_') && !/^\$ACTION_ID_[0-9a-f]{2,64}$/.test(name)) {
      return BAD_ARGUMENTS;
    }
  }
  return null;
}
