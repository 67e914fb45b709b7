import http from 'node:http';
import https from 'node:https';
import type { FetchLike } from './deliver-webhooks';

/**
 * The dispatcher's HTTP client: node:http(s) with keep-alive agents, so a receiver's connection is reused across
 * deliveries instead of a new TCP (and TLS) handshake each. No redirects are followed (3xx is a failed attempt, as
 * with fetch's redirect: 'manual'); the answer is read up to 2,000 characters; `signal` aborts (the 10 s timeout).
 */
/** How long a socket may sit idle in the pool when the receiver announces no keep-alive timeout of its own. */
export const KEEP_ALIVE_IDLE_MS = 4_000;

export function keepAlivePost(options: { maxSockets?: number; idleMs?: number } = {}): FetchLike & { destroy(): void } {
  // An idle socket is closed by us before the receiver closes it: a POST written onto a socket the receiver is
  // closing at that moment fails (ECONNRESET) and its delivery waits out the first retry (5 s). Node's agent
  // closes a free socket after `timeout`, or a second before the receiver's announced `Keep-Alive: timeout=N`
  // when that is sooner (Node's own servers announce 5 s). The timeout only closes free sockets; a request in
  // flight keeps its 10 s abort signal.
  const idle = options.idleMs ?? KEEP_ALIVE_IDLE_MS;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, timeout: idle }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, timeout: idle }),
  };
  const post = ((url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        { method: init.method, headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) }, agent, signal: init.signal },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < 2000) text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: async () => text.slice(0, 2000) }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(init.body);
    })) as FetchLike & { destroy(): void };
  post.destroy = () => {
    agents['http:'].destroy();
    agents['https:'].destroy();
  };
  return post;
}
