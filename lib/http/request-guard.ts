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
