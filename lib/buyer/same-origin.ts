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

/**
 * Reads the request body, counting bytes as they arrive: more than `maxBytes` stops reading (the stream is
 * cancelled) and gives null, whatever Content-Length claims or omits (chunked uploads have none).
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Reads a small urlencoded/multipart form; null when it is too large (counted, not declared) or not a form. */
export async function readSmallForm(request: Request, maxBytes = 8 * 1024): Promise<Record<string, string> | null> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(contentType)) return null;
  const bytes = await readCappedBody(request, maxBytes);
  if (!bytes) return null;
  try {
    const form = await new Response(bytes as BodyInit, { headers: { 'content-type': contentType } }).formData();
    const out: Record<string, string> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string') out[key] = value.slice(0, 512);
    return out;
  } catch {
    return null;
  }
}
