/**
 * Route handlers have no CSRF protection of their own (reliability.md §4.2): a buyer form POST is accepted
 * only from our own pages. Browsers send Sec-Fetch-Site; older ones send Origin. `null` is a real origin
 * (sandboxed frames), never ours.
 */
export function isSameOriginPost(request: Request, appUrl: string): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  if (origin === null) return true; // Non-browser client without either header: nothing ambient to abuse.
  return origin === new URL(appUrl).origin || origin === new URL(request.url).origin;
}

/** Reads a small urlencoded/multipart form; null when it is too large or not a form. */
export async function readSmallForm(request: Request, maxBytes = 8 * 1024): Promise<Record<string, string> | null> {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > maxBytes) return null;
  try {
    const form = await request.formData();
    const out: Record<string, string> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string') out[key] = value.slice(0, 512);
    return out;
  } catch {
    return null;
  }
}
