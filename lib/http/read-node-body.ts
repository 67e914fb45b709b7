/**
 * Reads a request body with a hard size cap, for every route of the simulator.
 * Invariant: never buffers more than `limit` bytes, whatever Content-Length claims.
 */
import type { IncomingMessage } from 'node:http';

/** Reads the body up to `limit` bytes; resolves `undefined` when it is larger (and stops reading). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (!done) reject(e);
    });
  });
}
