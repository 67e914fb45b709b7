import { readFileSync } from 'node:fs';
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { ADMIN, createStaff, signInOk } from './helpers';

// Issue 25: no HTTP 500 for bad input anywhere. 10,000 generated requests (seeded, so a failure replays)
// against every server action of the build (each posted to a page that has it) and every route, with
// every body shape Next decodes — multipart whole and cut, JSON text, form-encoded, raw bytes — and
// Flight argument strings Next's decoder throws on. Anonymous, with a forged session cookie, and as a
// viewer (who may run nothing, so nothing in the shared database changes). Bounded: ~1–2 minutes.

const TOTAL = 10_000;
const CONCURRENCY = 8;
const dist = process.env.NEXT_DIST_DIR || '.next';

/** Deterministic PRNG (mulberry32): the same seed sends the same 10,000 requests. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const UUID = '00000000-0000-4000-8000-000000000000';
/** Every page or route of the build, with its dynamic segments filled. */
function routesOfBuild(): string[] {
  const manifest = JSON.parse(readFileSync(`${dist}/server/app-paths-manifest.json`, 'utf8')) as Record<string, string>;
  return Object.keys(manifest)
    .filter((k) => /\/(page|route)$/.test(k) && !k.includes('_not-found') && !k.includes('favicon'))
    .map((k) => k.replace(/\/(page|route)$/, '').replace(/\[\.\.\.[^\]]+\]/g, 'x').replace(/\[[^\]]+\]/g, UUID) || '/');
}

/** Every server action of the build with a page it can be posted to (Next runs an action only from a page that has it). */
function actionsOfBuild(): { id: string; name: string; path: string }[] {
  const manifest = JSON.parse(readFileSync(`${dist}/server/server-reference-manifest.json`, 'utf8')) as { node: Record<string, { exportedName: string; workers: Record<string, unknown> }> };
  const out: { id: string; name: string; path: string }[] = [];
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers).find((w) => w.endsWith('/page')) ?? 'app/dashboard/page';
    const path = worker.replace(/^app/, '').replace(/\/page$/, '').replace(/\[[^\]]+\]/g, UUID) || '/';
    out.push({ id, name: entry.exportedName, path });
  }
  return out;
}

const FLIGHT = ['$n1e400', '$nabc', '$n', '$D', '$Dnot-a-date', '$K99', '$K', '$@7', '$Q3', '$W3', '$B99', '$T', '$S', '$F9', '$h9', '$Y', '$i', '$undefined', '$-Infinity', '$NaN', '$$', '$1:a:b', '$Z', '$E', '$l', '$R'];
const SCALARS = ['', 'x', '\u0000', '𝔘𝔫𝔦', '1e400', '-0', '9'.repeat(400), 'NaN', '<script>', "' or 1=1--", UUID, 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '＝1+1', '%00', '../../etc/passwd'];
const FIELDS = ['0', '1_amount', '1_currency', '1_agreementId', '1_paymentId', '1_reference', '1_name', '1_email', '1_role', '1_locale', '1_reason', '$ACTION_ID_x', '$ACTION_REF_1', '$ACTION_1:0', '1_$ACTION_KEY', 'id', 'method', 'agreementId'];

type Rng = ReturnType<typeof prng>;

function value(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 3 ? 3 : 6)) {
    case 0:
      return r.pick(FLIGHT);
    case 1:
      return r.pick(SCALARS);
    case 2:
      return r.pick([0, -1, 1e308, 2 ** 53 + 1, null, true, false]);
    case 3:
      return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
    case 4:
      return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.pick(FIELDS), value(r, depth + 1)]));
    default:
      return r.int(10) === 0 ? JSON.parse('['.repeat(300) + ']'.repeat(300)) : r.pick(FLIGHT);
  }
}

function multipart(r: Rng, boundary: string): string {
  const parts: string[] = [];
  const n = 1 + r.int(5);
  for (let i = 0; i < n; i++) {
    const name = r.pick(FIELDS);
    const v = name === '0' ? JSON.stringify(r.int(2) ? [null, '$K1'] : value(r)) : String(r.pick([...SCALARS, ...FLIGHT]));
    parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"${r.int(8) === 0 ? '; filename="a.bin"\r\ncontent-type: application/octet-stream' : ''}\r\n\r\n${v}\r\n`);
  }
  if (!parts.some((p) => p.includes('name="0"')) && r.int(2)) parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="0"\r\n\r\n${JSON.stringify(value(r))}\r\n`);
  return `${parts.join('')}--${boundary}--\r\n`;
}

interface Shot {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function body(r: Rng): { headers: Record<string, string>; body: Buffer } {
  const boundary = `----fuzz${r.int(1e9)}`;
  switch (r.int(8)) {
    case 0:
    case 1: {
      return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: Buffer.from(multipart(r, boundary)) };
    }
    case 2: {
      // Cut anywhere: what a dropped connection or a proxy limit leaves.
      const whole = Buffer.from(multipart(r, boundary));
      return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: whole.subarray(0, r.int(whole.length)) };
    }
    case 3:
      return { headers: { 'content-type': r.pick(['text/plain;charset=UTF-8', 'application/json']) }, body: Buffer.from(r.int(3) ? JSON.stringify(value(r)) : String(r.pick(SCALARS))) };
    case 4:
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(Array.from({ length: 1 + r.int(4) }, () => `${encodeURIComponent(r.pick(FIELDS))}=${encodeURIComponent(String(r.pick([...SCALARS, ...FLIGHT])))}`).join('&') + (r.int(5) ? '' : '&%zz')) };
    case 5:
      return { headers: { 'content-type': 'multipart/form-data' }, body: Buffer.from(multipart(r, boundary)) };
    case 6:
      return { headers: { 'content-type': r.pick(['application/octet-stream', 'image/png', 'text/html']) }, body: Buffer.from(Array.from({ length: r.int(2048) }, () => r.int(256))) };
    default:
      return { headers: {}, body: Buffer.alloc(0) };
  }
}

function send(base: URL, agent: http.Agent, shot: Shot): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: base.hostname, port: base.port, method: shot.method, path: shot.path, headers: { ...shot.headers, ...(shot.body ? { 'content-length': String(shot.body.length) } : {}) }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(20_000, () => {
      req.destroy();
      resolve(0);
    });
    req.on('error', () => resolve(-1));
    req.end(shot.body);
  });
}

test('10,000 generated bodies to every server action and route: no 5xx', async ({ page, baseURL }) => {
  test.setTimeout(600_000);
  const base = new URL(baseURL!);
  const actions = actionsOfBuild();
  const routes = routesOfBuild();
  expect(actions.length).toBeGreaterThanOrEqual(19);
  expect(routes.length).toBeGreaterThanOrEqual(20);

  const viewer = { name: 'Fuzz Viewer', email: 'fuzz-viewer@e2e.test', role: 'viewer' as const, password: 'walnut glacier softly hums' };
  await signInOk(page, ADMIN.email, ADMIN.password);
  await createStaff(page, viewer);
  const viewerContext = await page.context().browser()!.newContext();
  await signInOk(await viewerContext.newPage(), viewer.email, viewer.password);
  const viewerCookie = (await viewerContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  await viewerContext.close();
  const cookies = ['', 'next-auth.session-token=forged', viewerCookie];

  const r = prng(0x25_25);
  const shots: (Shot & { label: string })[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const cookie = r.pick(cookies);
    const origin = r.int(10) === 0 ? r.pick(['https://evil.example', 'null']) : base.origin;
    const common = { host: base.host, origin, ...(cookie ? { cookie } : {}) };
    if (i % 10 < 6) {
      // A server action, posted where it lives.
      const action = actions[i % actions.length]!;
      const b = body(r);
      shots.push({ label: `action ${action.name}`, method: 'POST', path: action.path, headers: { ...common, 'next-action': action.id, ...b.headers }, body: b.body });
    } else {
      const path = routes[i % routes.length]!;
      // Sign-in attempts count per address (the lockout), so next-auth's credential callback gets GETs only.
      const method = path.startsWith('/api/auth') ? 'GET' : r.pick(['GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE']);
      const query = r.int(3) ? '' : `?${r.pick(['q', 'id', 'after', 'status', 'lang', 'date', 'from', 'sort'])}=${encodeURIComponent(String(r.pick([...SCALARS, ...FLIGHT])))}`;
      const b = method === 'POST' ? body(r) : { headers: {}, body: undefined };
      shots.push({ label: `${method} ${path}`, method, path: `${path}${query}`, headers: { ...common, ...b.headers }, body: b.body });
    }
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const failures: string[] = [];
  const statusCounts = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < shots.length) {
        const shot = shots[next++]!;
        const status = await send(base, agent, shot);
        statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
        if (status >= 500 || status === 0) failures.push(`${status} ${shot.label} ${shot.path.slice(0, 80)} ${JSON.stringify(shot.headers['content-type'] ?? '')} ${(shot.body ?? Buffer.alloc(0)).toString('utf8').slice(0, 160)}`);
      }
    }),
  );
  agent.destroy();
  console.log(`[fuzz] ${shots.length} requests (${actions.length} actions, ${routes.length} routes): ${[...statusCounts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  expect(failures.slice(0, 30)).toEqual([]);
});
