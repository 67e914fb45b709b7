// The production web server: Next's request handler behind a bare node:http server, so the TCP peer
// address can be handed to route handlers (lib/auth/client-ip.ts) and requests Next would answer with a
// 500 are refused with the right 4xx first (lib/http/request-guard.ts). Started by scripts/launch.ts.
import { createServer } from 'node:http';
import next from 'next';
import { SOCKET_IP_HEADER } from '../lib/auth/client-ip';
import { guardRequest } from '../lib/http/request-guard';

const port = Number(process.argv[2] ?? '3000');
const app = (next as unknown as typeof import('next').default)({ dev: false, port });
const handle = app.getRequestHandler();
await app.prepare();
createServer((req, res) => {
  const refused = guardRequest({ method: req.method, url: req.url, headers: req.headers });
  if (refused) {
    res.writeHead(refused.status, { 'content-type': 'text/plain; charset=utf-8', ...(refused.allow ? { allow: refused.allow } : {}), connection: 'close' });
    res.end(refused.message);
    req.resume();
    return;
  }
  // Always overwrite: a client-sent value must never pass for the socket address.
  req.headers[SOCKET_IP_HEADER] = req.socket.remoteAddress ?? '';
  void handle(req, res);
}).listen(port, () => console.log(`[daikou] next listening on ${port}`));
