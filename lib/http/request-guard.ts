/**
 * Requests refused before Next.js sees them (scripts/serve-next.ts), each with the 4xx it deserves instead
 * of the 500 Next answers (and logs) today: TRACE/TRACK/CONNECT, a path with malformed %-encoding, and
 * server-action POSTs that Next would reject only by throwing — a foreign Origin, no length, or a body over
 * Next's 1 MB action limit. Pure (headers in, answer out) so every case is unit-tested.
 */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;
/** Buyer forms are a few fields; Next's proxy would otherwise buffer up to 10 MB before our route runs. */
export const BUYER_FORM_BODY_LIMIT = 8 * 1024;

export interface GuardInput {
  method: string | undefined;
  url: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type GuardAnswer = { status: 400 | 403 | 405 | 411 | 413; message: string; allow?: string };

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']);

function header(input: GuardInput, name: string): string | undefined {
  const value = input.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function guardRequest(input: GuardInput): GuardAnswer | null {
  const method = (input.method ?? 'GET').toUpperCase();
  if (!ALLOWED_METHODS.has(method)) return { status: 405, message: 'Method not allowed.', allow: 'GET, HEAD, POST' };
  const path = (input.url ?? '/').split('?')[0]!;
  try {
    decodeURIComponent(path);
  } catch {
    return { status: 400, message: 'Malformed URL encoding.' };
  }
  if (method === 'POST' && path.startsWith('/authorize/')) {
    const length = header(input, 'content-length');
    // Browsers always declare a form's length; refusing chunked bodies here caps what anyone can make us read.
    if (length === undefined) return { status: 411, message: 'Form posts must declare their length.' };
    if (!/^\d+$/.test(length)) return { status: 400, message: 'Bad Content-Length.' };
    if (Number(length) > BUYER_FORM_BODY_LIMIT) return { status: 413, message: 'Form too large.' };
  }
  if (method === 'POST' && header(input, 'next-action') !== undefined) {
    const origin = header(input, 'origin');
    const host = header(input, 'x-forwarded-host') ?? header(input, 'host');
    if (origin !== undefined && origin !== 'null') {
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host;
      } catch {
        // unparsable: treated as foreign
      }
      if (!host || originHost !== host) return { status: 403, message: 'Cross-site action requests are not accepted.' };
    } else if (origin === 'null') {
      return { status: 403, message: 'Cross-site action requests are not accepted.' };
    }
    const length = header(input, 'content-length');
    if (length === undefined) return { status: 411, message: 'Action requests must declare their length.' };
    if (!/^\d+$/.test(length)) return { status: 400, message: 'Bad Content-Length.' };
    if (Number(length) > SERVER_ACTION_BODY_LIMIT) return { status: 413, message: 'Request body too large.' };
  }
  return null;
}

/**
 * The declared length of a server-action POST whose arguments travel as JSON text (`text/plain`, what Next's
 * client sends when no FormData is involved), or null for any other request. guardRequest has already made
 * sure such a request declares a length of at most SERVER_ACTION_BODY_LIMIT.
 */
export function jsonActionBodyLength(input: GuardInput): number | null {
  if ((input.method ?? '').toUpperCase() !== 'POST' || header(input, 'next-action') === undefined) return null;
  if (!(header(input, 'content-type') ?? '').toLowerCase().startsWith('text/plain')) return null;
  const length = Number(header(input, 'content-length'));
  return Number.isSafeInteger(length) && length >= 0 && length <= SERVER_ACTION_BODY_LIMIT ? length : null;
}

/**
 * A JSON action body Next would fail on with a 500: not UTF-8, not JSON, or not an argument list (an array, or
 * the object form of a bound reply). Anything else is left to Next and the action's own input checks.
 */
export function guardJsonActionBody(body: Uint8Array): GuardAnswer | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { status: 400, message: 'The action request body is not valid JSON.' };
  }
  if (parsed === null || typeof parsed !== 'object') return { status: 400, message: 'The action request body is not an argument list.' };
  return null;
}
