import { describe, expect, it } from 'vitest';
import { readSmallForm } from './same-origin';

/** A chunked request body: no Content-Length, `chunks` pieces of `size` bytes, counting what was pulled. */
function chunkedRequest(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(new TextEncoder().encode('a'.repeat(size)));
    },
  });
  const request = new Request('http://localhost/x', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, duplex: 'half' } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('readSmallForm', () => {
  it('stops reading a chunked 9 MB body at the 8 KB cap instead of buffering and parsing it', async () => {
    const { request, pulled } = chunkedRequest(9 * 1024, 1024);
    expect(request.headers.get('content-length')).toBeNull();
    expect(await readSmallForm(request)).toBeNull();
    expect(pulled()).toBeLessThan(16);
  });

  it('refuses a declared oversize body without reading it, and reads a small form', async () => {
    const big = new Request('http://localhost/x', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '999999' } });
    expect(await readSmallForm(big)).toBeNull();
    const ok = new Request('http://localhost/x', { method: 'POST', body: 'method=GCASH&lang=en', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(await readSmallForm(ok)).toEqual({ method: 'GCASH', lang: 'en' });
  });

  it('refuses a body that is not a form', async () => {
    const json = new Request('http://localhost/x', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(await readSmallForm(json)).toBeNull();
  });
});
