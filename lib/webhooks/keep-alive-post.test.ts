import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAlivePost } from './keep-alive-post';

// A socket the receiver closes while a POST is being written onto it fails that attempt (ECONNRESET), and the
// delivery then waits for its first retry: the pool must let go of idle sockets before the receiver does.
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A receiver that closes idle connections after `keepAliveMs` and records when each connection closed, and by whom. */
async function receiver(keepAliveMs: number) {
  const closes: { afterResponseMs: number }[] = [];
  let lastResponseAt = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      lastResponseAt = Date.now();
    });
  });
  server.keepAliveTimeout = keepAliveMs;
  server.on('connection', (socket) => socket.on('close', () => closes.push({ afterResponseMs: Date.now() - lastResponseAt })));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, closes };
}

const send = (post: ReturnType<typeof keepAlivePost>, url: string) =>
  post(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5_000), redirect: 'manual' });

describe('keepAlivePost', () => {
  it("closes an idle socket a second before the receiver's announced keep-alive timeout", async () => {
    const { url, closes } = await receiver(3_000); // Node announces `Keep-Alive: timeout=3`
    const post = keepAlivePost({ idleMs: 10_000 });
    try {
      expect((await send(post, url)).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      // Closed by us at ~2 s (3 s announced, less one), before the receiver's own 3 s.
      expect(closes).toHaveLength(1);
      expect(closes[0]!.afterResponseMs).toBeGreaterThanOrEqual(1_800);
      expect(closes[0]!.afterResponseMs).toBeLessThan(2_600);
    } finally {
      post.destroy();
    }
  });

  it('closes an idle socket after its own idle limit when the receiver announces none, and reuses it before that', async () => {
    const { url, closes } = await receiver(0); // keepAliveTimeout 0: no timeout, none announced
    const post = keepAlivePost({ idleMs: 500 });
    try {
      expect((await send(post, url)).status).toBe(204);
      expect((await send(post, url)).status).toBe(204);
      expect(closes).toHaveLength(0); // one connection, reused
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(closes).toHaveLength(1);
      expect((await send(post, url)).status).toBe(204); // a fresh connection
    } finally {
      post.destroy();
    }
  });
});
