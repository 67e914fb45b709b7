import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readAndReplay } from './replay-node-body';

/** Sends `body` in `pieces` writes to a server that reads it, then reads the stand-in again as Next would. */
async function roundTrip(body: Buffer, pieces: number, limit = 1024 * 1024) {
  let result: { read: string; reread: string; method?: string; url?: string; header?: string } | 'too large' | undefined;
  const server = createServer(async (req: IncomingMessage, res) => {
    const got = await readAndReplay(req, limit);
    if (!got) {
      result = 'too large';
      res.end('no');
      return;
    }
    const again: Buffer[] = [];
    for await (const chunk of got.replay) again.push(chunk as Buffer);
    result = { read: got.body.toString(), reread: Buffer.concat(again).toString(), method: got.replay.method, url: got.replay.url, header: got.replay.headers['x-test'] as string };
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/dashboard/x?y=1', headers: { 'content-length': String(body.length), 'x-test': 'kept' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    const step = Math.ceil(body.length / pieces) || 1;
    let offset = 0;
    const writeNext = () => {
      if (offset >= body.length) return req.end();
      req.write(body.subarray(offset, offset + step));
      offset += step;
      setTimeout(writeNext, 5);
    };
    writeNext();
  });
  await new Promise((resolve) => server.close(resolve));
  return result;
}

describe('readAndReplay: read a capped body, then hand the next reader a request with the same bytes', () => {
  it('in one piece and in many, the stand-in has the same method, URL, headers and every byte once', async () => {
    const body = Buffer.from(JSON.stringify([{ name: 'Maria Santos', note: 'x'.repeat(50_000) }]));
    for (const pieces of [1, 7]) {
      expect(await roundTrip(body, pieces)).toEqual({ read: body.toString(), reread: body.toString(), method: 'POST', url: '/dashboard/x?y=1', header: 'kept' });
    }
  });

  it('an empty body replays as empty; a body over the limit is refused', async () => {
    expect(await roundTrip(Buffer.alloc(0), 1)).toMatchObject({ read: '', reread: '' });
    expect(await roundTrip(Buffer.alloc(2048, 'a'), 2, 1024)).toBe('too large');
  });
});
