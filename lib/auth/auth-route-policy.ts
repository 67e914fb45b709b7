/**
 * The next-auth endpoints Daikou uses (credentials only). Everything else — notably POST `_log`, which
 * writes anonymous client text into the server log — answers 404 before next-auth sees it.
 */
const ALLOWED: Record<string, readonly string[]> = {
  GET: ['csrf', 'session', 'providers', 'signin', 'signout', 'error'],
  POST: ['callback/credentials', 'signin/credentials', 'signout', 'session'],
};

export function isAuthRouteAllowed(method: string, segments: readonly string[]): boolean {
  return (ALLOWED[method] ?? []).includes(segments.join('/'));
}

/**
 * POSTs must be urlencoded forms (what the sign-in form and next-auth/react send): next-auth parses other
 * bodies itself and answers malformed JSON with a 500.
 */
export function isAuthBodyAcceptable(method: string, contentType: string | null): boolean {
  return method !== 'POST' || /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
}

/** A value safe for one log line: control characters (newlines included) replaced, length capped. */
export function logSafe(value: unknown, max = 120): string {
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?').slice(0, max);
}
