/**
 * Webhook delivery (issue 23): the dispatcher (lib/webhooks/dispatch-webhooks.ts) against a local receiver, beside
 * the same run's baseline — raw signed POSTs (Standard Webhooks headers, keep-alive) of the same payloads to the same
 * receiver at the same concurrency. Three parts:
 *   1. baseline: BENCH_EVENTS raw signed POSTs → events/s;
 *   2. backlog: BENCH_EVENTS events committed at once, drained by the dispatcher → events/s (× raw);
 *   3. sustained: events committed at BENCH_RATE/s for BENCH_SECONDS (small transactions every 20 ms), woken by
 *      the outbox NOTIFY → delivered events/s and queue-to-delivery p50 / p99 (commit time in the payload to the
 *      receiver's arrival).
 * Target (issue 23): sustains ≥ 500 events/s with p99 < 100 ms queue-to-delivery. Every event's order per object
 * and a sample of signatures are checked. Embedded PGlite by default (BENCH_DATABASE_URL for PostgreSQL).
 *
 *   npx tsx bench/webhooks.bench.ts            (or npm run bench -- webhooks)
 *   BENCH_EVENTS=3000 BENCH_RATE=500 BENCH_SECONDS=6 BENCH_OBJECTS=200   optional knobs
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { TokenVault } from '../lib/crypto/token-vault';
import { openDatabase } from '../lib/db/client';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';
import { authenticateStaff } from '../lib/staff/authenticate-staff';
import { validateStaffSession } from '../lib/staff/validate-staff-session';
import { startWebhookDispatcher } from '../lib/webhooks/dispatch-webhooks';
import { keepAlivePost } from '../lib/webhooks/keep-alive-post';
import { verifyWebhook, webhookHeaders } from '../lib/webhooks/standard-webhooks';
import { createWebhookEndpoint } from '../lib/webhooks/webhook-endpoints';
import { throwAwayBenchDatabase } from './throwaway-database';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 200);
const CONCURRENCY = 32;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface Arrival {
  id: string;
  object: string;
  seq: number;
  sentAt: number;
  at: number;
}

async function main(): Promise<void> {
  const benchDatabase = await throwAwayBenchDatabase();
  const dbUrl = benchDatabase.url;
  console.log(`database: ${dbUrl ? 'PostgreSQL (throw-away database)' : 'embedded PGlite (in memory)'}`);
  const database = await openDatabase(dbUrl ? { url: dbUrl, migrationsFolder: path.join(root, 'drizzle') } : { pgliteDir: 'memory', migrationsFolder: path.join(root, 'drizzle') });
  // The receiver: records each arrival (webhook-id, the event's object and sequence, its commit time).
  let arrivals: Arrival[] = [];
  let secret = '';
  let badSignatures = 0;
  let checked = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as { timestamp: string; data: { object_id: string; detail: { seq: number } } };
      if (secret && arrivals.length % 50 === 0) {
        checked++;
        if (!verifyWebhook(secret, { id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']) }, body)) badSignatures++;
      }
      arrivals.push({ id: String(req.headers['webhook-id']), object: event.data.object_id, seq: event.data.detail.seq, sentAt: Date.parse(event.timestamp), at });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const post = keepAlivePost({ maxSockets: CONCURRENCY });
  const vault = new TokenVault(randomBytes(32), randomBytes(32));
  const db = database.db;
  let dispatcher: ReturnType<typeof startWebhookDispatcher> | undefined;
  try {
    await seedFirstAdmin(db, { email: 'bench@example.com', password: 'bench-password-123' });
    const auth = await authenticateStaff(db, { email: 'bench@example.com', password: 'bench-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    const admin = (await validateStaffSession(db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'bench' }))!;
    const made = await createWebhookEndpoint(db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    secret = made.data.secret;
    const objects = Array.from({ length: OBJECTS }, () => randomUUID());
    let seq = 0;
    /** Commits `n` timeline events (round-robin over the objects) in one statement; the trigger writes the outbox. */
    const commitEvents = async (n: number) => {
      const rows = Array.from({ length: n }, () => {
        const s = seq++;
        return sql`(${`bench:${s}`}, ${objects[s % OBJECTS]}::uuid, 'bench', ${JSON.stringify({ seq: s })}::jsonb, clock_timestamp())`;
      });
      await db.execute(sql`insert into recon_discrepancy_events (dedupe_key, discrepancy_id, type, detail, created_at) values ${sql.join(rows, sql`, `)}`);
    };
    const waitFor = async (count: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (arrivals.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      if (arrivals.length < count) throw new Error(`only ${arrivals.length} of ${count} deliveries arrived`);
    };

    // 1. Baseline: the same kind of payload, signed and POSTed directly at the same concurrency.
    const rawOnce = async (i: number) => {
      const payload = JSON.stringify({ id: randomUUID(), type: 'reconciliation_discrepancy.bench', timestamp: new Date().toISOString(), data: { object_type: 'reconciliation_discrepancy', object_id: objects[i % OBJECTS], refund_id: null, step: 'reconciliation_discrepancy.bench', detail: { seq: i } } });
      const headers = { 'content-type': 'application/json', 'user-agent': 'Daikou-Webhooks/1', ...webhookHeaders([secret], `msg_${i}`, Math.floor(Date.now() / 1000), payload) };
      const r = await post(url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(10_000), redirect: 'manual' });
      if (r.status !== 204) throw new Error(`raw POST ${r.status}`);
    };
    const raw = async (n: number) => {
      arrivals = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) await rawOnce(next++);
      }));
      return n / ((performance.now() - started) / 1000);
    };
    await raw(300); // warm-up
    const rawRates = [await raw(EVENTS)];

    // 2. Backlog: EVENTS committed at once, then the dispatcher drains them.
    const backlog = async (n: number) => {
      arrivals = [];
      await commitEvents(n);
      const started = performance.now();
      dispatcher = startWebhookDispatcher(database, { vault, post }, { concurrency: CONCURRENCY });
      await waitFor(n, 120_000);
      const seconds = (performance.now() - started) / 1000;
      await dispatcher.stop();
      dispatcher = undefined;
      return n / seconds;
    };
    await backlog(300); // warm-up
    const backlogRate = await backlog(EVENTS);
    rawRates.push(await raw(EVENTS));
    const rawRate = (rawRates[0]! + rawRates[1]!) / 2;

    // 3. Sustained: RATE events/s in small commits every 20 ms; the dispatcher wakes on the outbox NOTIFY.
    arrivals = [];
    dispatcher = startWebhookDispatcher(database, { vault, post }, { concurrency: CONCURRENCY });
    const total = Math.round(RATE * SECONDS);
    const tickMs = 20;
    const perTick = (RATE * tickMs) / 1000;
    const t0 = performance.now();
    let committed = 0;
    for (let tick = 1; committed < total; tick++) {
      const due = Math.min(total, Math.round(tick * perTick));
      await commitEvents(due - committed);
      committed = due;
      const wait = t0 + tick * tickMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const offeredSeconds = (performance.now() - t0) / 1000;
    await waitFor(total, 120_000);
    const sustainedSeconds = (performance.now() - t0) / 1000;
    await dispatcher.stop();
    dispatcher = undefined;
    const latencies = arrivals.map((a) => a.at - a.sentAt);
    const sustainedRate = total / sustainedSeconds;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);

    // Order per object and no duplicates across the sustained part.
    const lastSeq = new Map<string, number>();
    let outOfOrder = 0;
    for (const a of arrivals) {
      if ((lastSeq.get(a.object) ?? -1) > a.seq) outOfOrder++;
      lastSeq.set(a.object, a.seq);
    }
    const duplicates = arrivals.length - new Set(arrivals.map((a) => a.id)).size;

    console.log(`baseline: raw signed POSTs to the local receiver ${rawRates.map((r) => r.toFixed(0)).join(' / ')} events/s (mean ${rawRate.toFixed(0)}/s, concurrency ${CONCURRENCY})`);
    console.log(`backlog: ${EVENTS} events drained by the dispatcher at ${backlogRate.toFixed(0)} events/s (${(backlogRate / rawRate).toFixed(2)}× raw)`);
    console.log(
      `sustained: ${total} events offered at ${RATE}/s over ${offeredSeconds.toFixed(1)} s (${OBJECTS} objects), delivered at ${sustainedRate.toFixed(0)} events/s (${(sustainedRate / rawRate).toFixed(2)}× raw); queue-to-delivery p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`,
    );
    console.log(`checks: ${outOfOrder} out of order per object, ${duplicates} duplicates, ${badSignatures} bad signatures of ${checked} checked`);
    const ok = sustainedRate >= 0.97 * RATE && RATE >= 500 && p99 < 100 && outOfOrder === 0 && badSignatures === 0;
    console.log(ok ? `target met: sustains ${sustainedRate.toFixed(0)} ≥ 500 events/s with p99 ${p99.toFixed(0)} ms < 100 ms` : `TARGET MISSED (sustain ≥ 500 events/s with p99 < 100 ms queue-to-delivery, in order): ${sustainedRate.toFixed(0)} events/s, p99 ${p99.toFixed(0)} ms`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await dispatcher?.stop();
    post.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await database.close();
    await benchDatabase.drop();
  }
}

await main();
