import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiContext } from '@/lib/api/context';
import { handleApiRequest, type ApiRoute } from '@/lib/api/route';
import { API_ROUTES } from '@/lib/api/routes';
import { SOCKET_IP_HEADER } from '@/lib/auth/client-ip';

/** Route-table paths as matchers: `/v1/schedules/{id}/pause` → /^\/api\/v1\/schedules\/([^/]+)\/pause$/ and its names. */
const MATCHERS = (Object.values(API_ROUTES) as ApiRoute[]).map((route) => {
  const names: string[] = [];
  const pattern = route.path.replace(/^\/v1/, '/api/v1').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, regex: new RegExp(`^${pattern}$`) };
});

/**
 * The merchant API over real HTTP on a loopback port, through the same runtime the Next route handlers use
 * (handleApiRequest with the route table): what an outside client such as examples/merchant-api talks to.
 */
export async function startApiServer(ctx: ApiContext): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const found = MATCHERS.map((m) => ({ m, hit: m.route.method === req.method ? m.regex.exec(url.pathname) : null })).find((x) => x.hit);
        if (!found) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"type":"invalid_request_error","code":"unknown_path","message":"Unknown path.","param":null,"request_id":"req_test"}}');
          return;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && name !== SOCKET_IP_HEADER) headers.set(name, value);
        headers.set(SOCKET_IP_HEADER, req.socket.remoteAddress ?? '127.0.0.1');
        const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined;
        const request = new Request(url, { method: req.method, headers, body });
        const params = Object.fromEntries(found.m.names.map((name, i) => [name, decodeURIComponent(found.hit![i + 1]!)]));
        const response = await handleApiRequest(found.m.route, request, ctx, params);
        const out: Record<string, string> = {};
        response.headers.forEach((value, name) => (out[name] = value));
        res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
      })().catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
