// reliability.md §6.2 scenario 15, database restart under load: PostgreSQL is stopped hard (pg_ctl stop -m
// immediate: no checkpoint, crash recovery at the next start) and started again while 200 signed PAYMENT_RESULT
// notifications a second flow for 60 s into the production web server. Antom's resends — the simulator's own
// notifier with its real schedule (0 s, 2 min, 10 min, 10 min, 1 h, …) compressed 200× — must bring every one
// home: every notification acknowledged, every payment SUCCEEDED exactly once (one inbox row, one status
// change), and every notification acknowledged before the crash still committed after it.
//
// The database is a PostgreSQL instance of the test's own (initdb into a temporary directory, a free port):
// the machine's shared server is never stopped. Skipped (with the reason printed) when the server binaries
// under /usr/lib/postgresql/*/bin are missing. RELIABILITY_DB_RESTART_RATE (200 a second),
// RELIABILITY_DB_RESTART_SECONDS (60) and RELIABILITY_DB_DOWN_SECONDS (5) change the load and the outage.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { PAYMENT_NOTIFY_PATH } from '@/lib/payments/payment-notify-path';
import { freePort, startPortalProcess, until, type PortalProcess } from '../helpers/portal-process';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';
import { startSimulatorHarness, type SimulatorHarness } from '../helpers/simulator-harness';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const RATE = Number(process.env.RELIABILITY_DB_RESTART_RATE ?? 200);
const SECONDS = Number(process.env.RELIABILITY_DB_RESTART_SECONDS ?? 60);
const DOWN_SECONDS = Number(process.env.RELIABILITY_DB_DOWN_SECONDS ?? 5);
const TOTAL = RATE * SECONDS;
/** The crash comes a third of the way in, with traffic on both sides of it. */
const CRASH_AT_MS = Math.round((SECONDS * 1000) / 3);
const TIME_SCALE = 1 / 200;

const binaries = postgresBinaries();
if (!binaries) console.log('[reliability] scenario 15 skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (initdb, pg_ctl)');

let pg: PrivatePostgres;
let sim: SimulatorHarness;
let database: Database;
let web: PortalProcess | null = null;
let webUrl = '';
const savedTestDatabaseUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(testDatabaseKind() !== 'postgres' || !binaries)('scenario 15: PostgreSQL crashed and restarted under 200 notifications/s (private instance)', () => {
  beforeAll(async () => {
    pg = startPrivatePostgres(Number(process.env.RELIABILITY_PRIVATE_PG_PORT ?? 0) || (await freePort()));
    process.env.TEST_DATABASE_URL = pg.url;
    database = await createTestDatabase();
    sim = await startSimulatorHarness({ timeScale: TIME_SCALE });
    // One agreement and TOTAL processing payments, each to be finished by its one notification.
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    const [customer] = await sql`insert into customers (reference, name) values ('restart', 'Restart Buyer') returning id`;
    const [agreement] = await sql`insert into agreements (customer_id, payment_method, status, terminal_type, auth_state_index, auth_state_expires_at, buyer_binding_index)
      values (${customer!.id}, 'GCASH', 'ACTIVE', 'WEB', 'restart-state', now(), 'restart-binding') returning id`;
    await sql`insert into charge_intents (id, business_key, agreement_id, customer_id, amount_minor, currency, description, source)
      select md5('restart-' || g)::uuid, 'order-' || g, ${agreement!.id}, ${customer!.id}, 1000, 'PHP', 'restart', 'api' from generate_series(1, ${TOTAL}) g`;
    await sql`insert into payments (id, intent_id, agreement_id, customer_id, payment_method, payment_request_id, amount_minor, currency, status, reference_order_id, description, initiator)
      select md5('restart-' || g)::uuid, md5('restart-' || g)::uuid, ${agreement!.id}, ${customer!.id}, 'GCASH', 'restart-' || g, 1000, 'PHP', 'PROCESSING', 'order-' || g, 'restart', 'api' from generate_series(1, ${TOTAL}) g`;
    await sql.end({ timeout: 5 });

    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    web = startPortalProcess(
      'scripts/serve-next.ts',
      {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'daikou-proc-')),
        DATABASE_URL: database.url!,
        ALIPAY_GATEWAY_URL: sim.simulator.url,
        ALIPAY_CLIENT_ID: sim.clientId,
        ALIPAY_MERCHANT_PRIVATE_KEY: sim.keys.merchantPrivateKeyPem,
        ALIPAY_PUBLIC_KEY: sim.keys.simulatorPublicKeyPem,
        AUTH_SECRET: randomBytes(32).toString('base64'),
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        TOKEN_INDEX_KEY: randomBytes(32).toString('base64'),
        APP_URL: webUrl,
        NEXTAUTH_URL: webUrl,
        WORKER_IN_PROCESS: 'false',
        POST_RATE_PER_ADDRESS: '100000',
        SHUTDOWN_GRACE_SECONDS: '5',
        LOG_LEVEL: 'warn',
      },
      [String(webPort)],
    );
    await until(
      async () => {
        if (web!.child.exitCode !== null) throw new Error(`web exited early:\n${web!.lines().slice(-20).join('\n')}`);
        return fetch(`${webUrl}/api/health/ready`).then((r) => r.ok, () => false);
      },
      120_000,
      'the web process to be ready',
    );
  }, 300_000);

  afterAll(async () => {
    if (web && web.child.exitCode === null && web.child.signalCode === null) {
      web.child.kill('SIGTERM');
      await Promise.race([web.exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (web.child.exitCode === null && web.child.signalCode === null) web.child.kill('SIGKILL');
    }
    await sim?.close();
    await database?.close().catch(() => {});
    pg?.destroy();
    if (savedTestDatabaseUrl === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = savedTestDatabaseUrl;
  }, 120_000);

  it(`${TOTAL} notifications at ${RATE}/s for ${SECONDS} s, the database crashed for ${DOWN_SECONDS} s: every one acknowledged (by a resend), applied once, none acknowledged and lost`, async () => {
    const notifier = sim.simulator.ctx.notifier;
    const store = sim.simulator.store;
    const url = `${webUrl}${PAYMENT_NOTIFY_PATH}`;
    const ids: string[] = [];
    const started = Date.now();
    let crashed = false;
    let ackedBeforeCrash: string[] = [];
    let downMs = 0;
    let feeding = true;
    // The feed: keeps the sent count at RATE × elapsed seconds (timer drift on a loaded machine is caught up).
    const feed = (async () => {
      let sent = 0;
      while (sent < TOTAL) {
        const due = Math.min(TOTAL, Math.floor(((Date.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const paymentRequestId = `restart-${sent + 1}`;
          const [record] = notifier.enqueue({
            clientId: sim.clientId,
            type: 'PAYMENT_RESULT',
            url,
            relatedId: paymentRequestId,
            body: {
              notifyType: 'PAYMENT_RESULT',
              result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
              paymentRequestId,
              paymentId: `2026${String(sent + 1).padStart(12, '0')}`,
              paymentAmount: { currency: 'PHP', value: '1000' },
              paymentCreateTime: '2026-12-01T12:00:00+08:00',
              paymentTime: '2026-12-01T12:00:01+08:00',
            },
          });
          ids.push(record!.id);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      feeding = false;
    })();
    // The crash: a third of the way in, PostgreSQL stops without a checkpoint, stays down, starts again.
    const crash = (async () => {
      await new Promise((r) => setTimeout(r, CRASH_AT_MS));
      ackedBeforeCrash = ids.filter((id) => store.state.notifications[id]?.status === 'DELIVERED').map((id) => store.state.notifications[id]!.relatedId);
      const t0 = Date.now();
      await pg.stop('immediate');
      crashed = true;
      await new Promise((r) => setTimeout(r, DOWN_SECONDS * 1000));
      await pg.start();
      downMs = Date.now() - t0;
    })();
    await Promise.all([feed, crash]);
    const fedSeconds = (Date.now() - started) / 1000;
    expect(crashed).toBe(true);
    expect(feeding).toBe(false);
    expect(ids).toHaveLength(TOTAL);

    // Antom's resends (compressed schedule) bring the rest home; 9 attempts in all span ~7.5 min at 1/200.
    await until(() => ids.every((id) => store.state.notifications[id]!.status !== 'PENDING'), 480_000, 'every notification to be acknowledged or given up');
    const doneSeconds = (Date.now() - started) / 1000;
    const records = ids.map((id) => store.state.notifications[id]!);
    const gaveUp = records.filter((n) => n.status === 'GAVE_UP');
    const deliveries = store.state.deliveries.filter((d) => d.type === 'PAYMENT_RESULT');
    const failedAttempts = deliveries.filter((d) => !d.acknowledged);
    const resent = records.filter((n) => n.attempts > 1);
    const statuses = new Map<string, number>();
    for (const d of failedAttempts) statuses.set(String(d.httpStatus ?? d.error?.split(':')[0] ?? '?'), (statuses.get(String(d.httpStatus ?? d.error?.split(':')[0] ?? '?')) ?? 0) + 1);
    console.log(
      `[reliability] scenario 15: ${TOTAL} notifications fed in ${fedSeconds.toFixed(1)} s (${(TOTAL / fedSeconds).toFixed(0)}/s); database down ${(downMs / 1000).toFixed(1)} s at ${(CRASH_AT_MS / 1000).toFixed(0)} s; ` +
        `${ackedBeforeCrash.length} acknowledged before the crash; ${failedAttempts.length} unacknowledged attempts (${[...statuses].map(([k, v]) => `${k} × ${v}`).join(', ')}); ` +
        `${resent.length} notifications needed a resend; all settled after ${doneSeconds.toFixed(1)} s; ${deliveries.length} attempts in all`,
    );
    expect(gaveUp, 'no notification given up').toHaveLength(0);
    expect(failedAttempts.length, 'the crash hit traffic: some attempts went unacknowledged').toBeGreaterThan(0);
    expect(resent.length, 'and their resends recovered them').toBeGreaterThan(0);
    expect(ackedBeforeCrash.length).toBeGreaterThan(0);

    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      const succeeded = await sql<{ payment_request_id: string }[]>`select payment_request_id from payments where status = 'SUCCEEDED' and payment_request_id like 'restart-%'`;
      const committed = new Set(succeeded.map((r) => r.payment_request_id));
      // Nothing lost: every payment applied; what was acknowledged before the crash survived crash recovery.
      expect(committed.size).toBe(TOTAL);
      expect(ackedBeforeCrash.filter((id) => !committed.has(id)), 'acknowledged before the crash, lost by it').toEqual([]);
      const acked = new Set(records.filter((n) => n.status === 'DELIVERED').map((n) => n.relatedId));
      expect([...acked].filter((id) => !committed.has(id)), 'acknowledged ids ⊆ committed ids').toEqual([]);
      // Nothing doubled: one inbox row and one SUCCEEDED transition per payment.
      const [inbox] = await sql<{ n: number; distinct_refs: number }[]>`select count(*)::int as n, count(distinct object_ref)::int as distinct_refs from inbox_events where channel = 'payment'`;
      expect(inbox).toEqual({ n: TOTAL, distinct_refs: TOTAL });
      const [transitions] = await sql<{ n: number; doubled: number }[]>`select count(*)::int as n, (count(*) - count(distinct payment_id))::int as doubled
        from payment_events where type = 'status_changed' and detail->>'to' = 'SUCCEEDED'`;
      expect(transitions).toEqual({ n: TOTAL, doubled: 0 });
    } finally {
      await sql.end({ timeout: 5 });
    }
    // The web process lived through it and is ready again.
    expect(web!.child.exitCode).toBeNull();
    expect((await fetch(`${webUrl}/api/health/ready`)).status).toBe(200);
  }, 900_000);
});
