/**
 * Signed Antom notifications against the production build on PostgreSQL (issue 10 acceptance): for
 * BENCH_SECONDS (60) at a fixed concurrency (BENCH_CONCURRENCY, 32), first GET /api/health (a trivial route
 * of the same server, one database ping) and then POST /api/alipay/notify/payment with a distinct signed
 * PAYMENT_RESULT per request, each finishing its own payment. Prints rate, p50 / p99 and errors for both,
 * then checks in the database that every acknowledged notification was applied exactly once.
 * Targets: ≥ 1,000 notifications/s, p99 < 100 ms, 0 errors, ≥ 0.7 × the trivial route's rate.
 * Needs `npm run build` first and a PostgreSQL server (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * a throw-away database is created and dropped.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { loadPrivateKey, signNotification } from '../lib/alipay';
import { ensureDevKeys } from '../lib/simulator/keys';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PORT = Number(process.env.BENCH_PORT ?? 3191);
const SIM_PORT = Number(process.env.BENCH_SIMULATOR_PORT ?? 4191);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Pre-signed bodies (signing is the loader's cost, not the server's): enough for the target rate. */
const POOL = Number(process.env.BENCH_POOL ?? Math.min(SECONDS * 1600, 100_000));
const CLIENT_ID = 'DAIKOU_LOCAL';
const PATH = '/api/alipay/notify/payment';

const dbName = `daikou_bench_${randomBytes(5).toString('hex')}`;
const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(SERVER_URL);
dbUrl.pathname = `/${dbName}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'daikou-bench-notify-'));
const keys = ensureDevKeys(dataDir);
const base = `http://localhost:${PORT}`;
const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  env: { ...process.env, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: String(PORT), APP_URL: base, SIMULATOR_PORT: String(SIM_PORT), DATABASE_URL: dbUrl.toString(), ADMIN_PASSWORD: 'bench-admin-password' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
// Keep-alive sockets, fresh for each run: one left idle from the start-up check while signing blocks the event
// loop has been closed by the server (keepAliveTimeout) without this process noticing yet, and reusing it was
// an ECONNRESET charged to the first run.
let agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(method: 'GET' | 'POST', pathname: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, method, path: pathname, agent, headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await request('GET', '/api/health', {})).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start (did you run `npm run build`?)');
}

interface Run {
  label: string;
  done: number;
  errors: number;
  rate: number;
  p50: number;
  p99: number;
}

/** CONCURRENCY loops for SECONDS; `next` gives each request, `ok` judges its answer. */
async function run(label: string, next: () => { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; path: string } | null, ok: (r: { status: number; text: string }) => boolean): Promise<Run> {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  const kinds = new Map<string, number>();
  const count = (kind: string) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const item = next();
        if (!item) return;
        const t0 = performance.now();
        try {
          const answer = await request(item.method, item.path, item.headers, item.body);
          if (!ok(answer)) {
            errors++;
            count(`HTTP ${answer.status}`);
          }
        } catch (error) {
          errors++;
          count((error as { code?: string }).code ?? (error as Error).message);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  const result = { label, done: latencies.length, errors, rate: latencies.length / elapsed, p50: q(0.5), p99: q(0.99) };
  console.log(`${label.padEnd(28)} ${result.done} requests in ${elapsed.toFixed(1)} s → ${result.rate.toFixed(0)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${errors}${kinds.size ? ` (${[...kinds].map(([k, n]) => `${k} × ${n}`).join(', ')})` : ''}`);
  return result;
}

const db = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} });
let exitCode = 1;
try {
  await waitForServer();
  // One agreement and POOL processing payments, each to be finished by exactly one notification.
  const [customer] = await db`insert into customers (reference, name) values ('bench', 'Bench Buyer') returning id`;
  const [agreement] = await db`insert into agreements (customer_id, payment_method, status, terminal_type, auth_state_index, auth_state_expires_at, buyer_binding_index)
    values (${customer!.id}, 'GCASH', 'ACTIVE', 'WEB', 'bench-state', now(), 'bench-binding') returning id`;
  await db`insert into charge_intents (id, business_key, agreement_id, customer_id, amount_minor, currency, description, source)
    select md5('bench-' || g)::uuid, 'order-' || g, ${agreement!.id}, ${customer!.id}, 1000, 'PHP', 'bench', 'api' from generate_series(1, ${POOL}) g`;
  await db`insert into payments (id, intent_id, agreement_id, customer_id, payment_method, payment_request_id, amount_minor, currency, status, reference_order_id, description, initiator)
    select md5('bench-' || g)::uuid, md5('bench-' || g)::uuid, ${agreement!.id}, ${customer!.id}, 'GCASH', 'bench-' || g, 1000, 'PHP', 'PROCESSING', 'order-' || g, 'bench', 'api' from generate_series(1, ${POOL}) g`;
  const privateKey = loadPrivateKey(keys.simulatorPrivateKeyPem);
  const signStarted = performance.now();
  const signed = Array.from({ length: POOL }, (_, i) =>
    signNotification({
      path: PATH,
      clientId: CLIENT_ID,
      privateKey,
      keyVersion: '1',
      body: {
        notifyType: 'PAYMENT_RESULT',
        result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
        paymentRequestId: `bench-${i + 1}`,
        paymentId: `2026120100000${i + 1}`,
        paymentAmount: { currency: 'PHP', value: '1000' },
        paymentCreateTime: '2026-12-01T12:00:00+08:00',
        paymentTime: '2026-12-01T12:00:01+08:00',
      },
    }),
  );
  console.log(`seeded and signed ${POOL} notifications in ${((performance.now() - signStarted) / 1000).toFixed(1)} s; concurrency ${CONCURRENCY}, ${SECONDS} s per route`);

  const trivial = await run('GET /api/health (trivial)', () => ({ method: 'GET', path: '/api/health', headers: {} }), (r) => r.status === 200);
  let cursor = 0;
  const ACK = '{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}';
  const notify = await run(
    'POST notify/payment (signed)',
    () => {
      const s = signed[cursor++];
      return s ? { method: 'POST', path: PATH, headers: s.headers, body: s.rawBody } : null;
    },
    (r) => r.status === 200 && r.text === ACK,
  );
  if (cursor >= POOL) console.log(`note: all ${POOL} pre-signed notifications were used before the time was up (raise BENCH_POOL)`);

  const [applied] = await db`select count(*)::int as n from payments where status = 'SUCCEEDED'`;
  const [twice] = await db`select count(*)::int as n from (select payment_id from payment_events where type = 'status_changed' group by payment_id having count(*) > 1) x`;
  const [inbox] = await db`select count(*)::int as n from inbox_events`;
  const sent = Math.min(cursor, POOL);
  console.log(`database: ${applied!.n} payments SUCCEEDED, ${inbox!.n} inbox rows for ${sent} notifications sent, ${twice!.n} applied more than once`);
  const checks: [string, boolean][] = [
    [`≥ 1,000 notifications/s (${notify.rate.toFixed(0)})`, notify.rate >= 1000],
    [`p99 < 100 ms (${notify.p99.toFixed(1)})`, notify.p99 < 100],
    [`0 errors (${notify.errors})`, notify.errors === 0],
    [`each applied once (${applied!.n} of ${notify.done - notify.errors} acknowledged, ${twice!.n} twice)`, twice!.n === 0 && applied!.n === notify.done - notify.errors],
    [`≥ 0.7 × trivial route (${(notify.rate / trivial.rate).toFixed(2)} ×)`, notify.rate >= 0.7 * trivial.rate],
  ];
  for (const [what, passed] of checks) console.log(`${passed ? 'PASS' : 'FAIL'} ${what}`);
  exitCode = checks.every(([, passed]) => passed) ? 0 : 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  agent.destroy();
  await db.end({ timeout: 5 });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end({ timeout: 5 });
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = exitCode;
