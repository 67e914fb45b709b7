// Issue 24 (5), reliability.md §6.2 scenarios 2, 3 and 16: a process killed (SIGKILL, as the OOM killer or a
// power cut kills it) at each named fault point (lib/faults/fault-point.ts) — before commit and after commit but
// before the answer — in the charge, the refund, notification ingest and the billing run. Real processes on
// PostgreSQL: the production web server (scripts/serve-next.ts, a built .next) and a worker (scripts/worker.ts);
// the simulator, Antom's stand-in, runs in this test process with its resend schedule compressed. After each
// kill the process is started again without the fault and the test proves nothing was lost (the effect is in
// the database) and nothing doubled (one debit or refund in the simulator's ledger, one row in the database),
// including when the caller retries with the same Idempotency-Key or order reference.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer as createHttpServer, type Server } from 'node:http';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/api/api-keys';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements, chargeIntents, inboxEvents, payments, refunds, schedulePeriods } from '@/lib/db/schema';
import type { FaultPointName } from '@/lib/faults/fault-point';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { charge } from '@/lib/payments/charge';
import { PAYMENT_NOTIFY_PATH } from '@/lib/payments/payment-notify-path';
import { createSchedule } from '@/lib/schedules/create-schedule';
import { runBillingJob } from '@/lib/schedules/run-billing.job';
import { createWebhookEndpoint } from '@/lib/webhooks/webhook-endpoints';
import { fanOutWebhooksJob } from '@/lib/webhooks/webhook-jobs.job';
import { startPaymentWorld, type LedgerEntry, type PaymentWorld } from '../helpers/payment-world';
import { freePort, startPortalProcess, until, worldEnvironment, type PortalProcess } from '../helpers/portal-process';
import { testDatabaseKind } from '../helpers/test-database';

const ROOT = path.resolve(__dirname, '..', '..');
/** Antom's resend schedule (0 s, 2 min, 10 min, 10 min, 1 h, …) squeezed 200×: 0.6 s, 3 s, 3 s, 18 s, … */
const TIME_SCALE = 1 / 200;

let world: PaymentWorld;
let queue: JobQueue;
let environment: Record<string, string>;
let webUrl: string;
let webPort: number;
let apiSecret: string;
let web: PortalProcess | null = null;
let worker: PortalProcess | null = null;
const started: PortalProcess[] = [];
/** Every secret the run used, by name, for the log check at the end. */
const secrets = new Map<string, string>();
/** Every charge of the run (its payment row), for the correlation check at the end. */
const charges: { paymentId: string; paymentRequestId: string; via: string }[] = [];
const METRICS_TOKEN = `metrics-${randomUUID()}`;
let webhookSink: Server;
let webhooksReceived = 0;

function track(p: PortalProcess): PortalProcess {
  started.push(p);
  return p;
}

async function startWeb(fault?: FaultPointName): Promise<PortalProcess> {
  const p = track(startPortalProcess('scripts/serve-next.ts', { ...environment, ...(fault ? { FAULT_POINT: fault } : {}) }, [String(webPort)]));
  await until(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`web exited early:\n${p.lines().slice(-20).join('\n')}`);
      return fetch(`${webUrl}/api/health/live`).then((r) => r.ok, () => false);
    },
    120_000,
    'the web process to answer',
  );
  return p;
}

async function startWorker(fault?: FaultPointName): Promise<PortalProcess> {
  const p = track(startPortalProcess('scripts/worker.ts', { ...environment, ...(fault ? { FAULT_POINT: fault } : {}) }));
  await until(
    () => {
      if (p.child.exitCode !== null) throw new Error(`worker exited early:\n${p.lines().slice(-20).join('\n')}`);
      return p.lines().some((l) => l.includes('worker running'));
    },
    60_000,
    'the worker to start',
  );
  return p;
}

async function stop(p: PortalProcess | null): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}

/** Waits for a process killed by its fault point and checks it died of SIGKILL at that point. */
async function diedAt(p: PortalProcess, point: FaultPointName): Promise<void> {
  const how = await Promise.race([p.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
  expect(how, p.lines().slice(-15).join('\n')).toBe('SIGKILL');
  expect(p.lines().some((l) => l.includes(`[fault-point] ${point}: SIGKILL`))).toBe(true);
}

interface ApiAnswer {
  status: number;
  json: Record<string, unknown> & { id?: string; status?: string; attempts?: { payment_request_id: string; status: string }[] };
}

/** A merchant API call; null when the connection died without an answer (the process was killed). */
async function api(method: 'POST' | 'GET', path: string, body?: unknown, idempotencyKey?: string): Promise<ApiAnswer | null> {
  let response: Response;
  try {
    response = await fetch(`${webUrl}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${apiSecret}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    return null;
  }
  const text = await response.text().catch(() => null);
  if (text === null) return null;
  return { status: response.status, json: (text.startsWith('{') ? JSON.parse(text) : { text }) as ApiAnswer['json'] };
}

/** The caller retries after the killed request's Idempotency-Key claim went stale (2 min; moved back here). */
async function ageIdempotencyClaims(): Promise<void> {
  await world.database.executeSql(`update api_idempotency_keys set locked_at = locked_at - interval '10 minutes' where status_code is null`, []);
}

/** Remembers an agreement's access and refresh tokens as secrets of this run. */
async function rememberTokens(agreementId: string): Promise<void> {
  const [row] = await world.database.db.select().from(agreements).where(eq(agreements.id, agreementId));
  const version = row!.tokenKeyVersion ?? 1;
  secrets.set(`access token ${agreementId}`, world.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', version)));
  if (row!.refreshTokenCiphertext) secrets.set(`refresh token ${agreementId}`, world.vault.open(row!.refreshTokenCiphertext, agreementTokenAad(agreementId, 'refresh_token', version)));
}

async function ledger(): Promise<LedgerEntry[]> {
  return (await world.sim.control<{ entries: LedgerEntry[] }>('/simulator/ledger')).entries;
}

async function attemptsOf(reference: string) {
  return world.database.db
    .select({ id: payments.id, status: payments.status, paymentRequestId: payments.paymentRequestId, amountMinor: payments.amountMinor, refundedMinor: payments.refundedMinor })
    .from(payments)
    .innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId))
    .where(eq(chargeIntents.businessKey, reference));
}

/** How often the payment moved to SUCCEEDED (its timeline's status changes). */
async function successTransitions(paymentId: string): Promise<number> {
  const result = await world.database.executeSql(`select count(*)::int as n from payment_events where payment_id = $1 and type = 'status_changed' and detail->>'to' = 'SUCCEEDED'`, [paymentId]);
  return (result.rows[0] as { n: number }).n;
}

async function debitsFor(paymentRequestIds: string[]): Promise<LedgerEntry[]> {
  return (await ledger()).filter((e) => e.kind === 'DEBIT' && paymentRequestIds.includes(e.paymentRequestId));
}

/** An ACTIVE agreement with a fresh buyer account in the simulator (so each scenario's ledger is its own). */
async function agreement(): Promise<string> {
  const id = await world.activeAgreement('GCASH');
  await rememberTokens(id);
  return id;
}

/** A charge made in this test process (not a killed one), its result notified to the web process. */
async function chargeHere(agreementId: string, amountMinor: bigint) {
  const result = await charge(world.deps({ notifyUrl: `${webUrl}${PAYMENT_NOTIFY_PATH}` }), {
    agreementId,
    amountMinor,
    description: 'Fault-point test',
    initiator: { kind: 'staff', actor: world.admin },
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.error}`);
  charges.push({ paymentId: result.data.payment.id, paymentRequestId: result.data.payment.paymentRequestId, via: 'this test process' });
  return result.data.payment;
}

describe.skipIf(testDatabaseKind() !== 'postgres')('fault points: SIGKILL before and after commit, real processes (postgres)', () => {
  beforeAll(async () => {
    world = await startPaymentWorld({ timeScale: TIME_SCALE, ...(process.env.RELIABILITY_SIMULATOR_PORT ? { simulatorPort: Number(process.env.RELIABILITY_SIMULATOR_PORT) } : {}) });
    webPort = Number(process.env.RELIABILITY_WEB_PORT ?? 0) || (await freePort());
    webUrl = `http://127.0.0.1:${webPort}`;
    const key = await createApiKey(world.database.db, world.admin, { name: 'fault points', scope: 'read_write', allowedIps: [] }, 'test');
    if (!key.ok) throw new Error(key.error);
    apiSecret = key.data.secret;
    // A webhook endpoint: the worker signs each event it delivers with the endpoint's secret.
    webhookSink = createHttpServer((req, res) => {
      webhooksReceived++;
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => webhookSink.listen(Number(process.env.RELIABILITY_WEBHOOK_PORT ?? 0), '127.0.0.1', resolve));
    const hook = await createWebhookEndpoint(world.database.db, world.vault, world.admin, { url: `http://127.0.0.1:${(webhookSink.address() as { port: number }).port}/hooks`, eventTypes: [] }, false);
    if (!hook.ok) throw new Error(hook.error);
    environment = worldEnvironment(world, {
      APP_URL: webUrl,
      NEXTAUTH_URL: webUrl,
      WORKER_IN_PROCESS: 'false',
      JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
      SHUTDOWN_GRACE_SECONDS: '5',
      POST_RATE_PER_ADDRESS: '100000',
      METRICS_TOKEN,
    });
    secrets.set('API key', apiSecret);
    secrets.set('webhook secret', hook.data.secret);
    secrets.set('AUTH_SECRET', environment.AUTH_SECRET!);
    secrets.set('TOKEN_ENCRYPTION_KEY', environment.TOKEN_ENCRYPTION_KEY!);
    secrets.set('TOKEN_INDEX_KEY', environment.TOKEN_INDEX_KEY!);
    secrets.set('METRICS_TOKEN', METRICS_TOKEN);
    secrets.set('simulator control secret', 'test-simulator-secret');
    secrets.set('admin password', 'admin-password-123');
    // The merchant's private key: each line of its base64 body (any one of them would be a leak).
    world.sim.keys.merchantPrivateKeyPem.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----')).forEach((l, i) => secrets.set(`merchant private key line ${i + 1}`, l));
    queue = await startJobQueue(world.database, {
      work: false,
      jobs: [runBillingJob, fanOutWebhooksJob] as unknown as JobDefinition<never>[],
      context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
    });
    worker = await startWorker();
  }, 180_000);

  afterEach(async () => {
    await stop(web);
    web = null;
  });

  afterAll(async () => {
    await stop(web);
    await stop(worker);
    for (const p of started) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    await queue?.stop(2000);
    // Every process's lines, kept for a person to read after the run, passed or failed (test-results/ is ignored by git).
    mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'test-results', 'reliability-fault-points.log'), `${started.flatMap((p) => p.lines()).join('\n')}\n`);
    await new Promise((resolve) => webhookSink?.close(resolve));
    await world?.close();
  });

  for (const point of ['charge.before-commit', 'charge.after-commit'] as const) {
    it(`${point}: the web process dies during an API charge; the retry with the same Idempotency-Key answers the one charge, one debit`, async () => {
      const agreementId = await agreement();
      const reference = `fp-${randomUUID().slice(0, 8)}`;
      const body = { agreement_id: agreementId, amount: '12300', currency: 'PHP', description: 'Fault point', reference };
      const idempotencyKey = `charge-${randomUUID()}`;
      web = await startWeb(point);
      expect(await api('POST', '/v1/charges', body, idempotencyKey)).toBeNull();
      await diedAt(web, point);
      const [cut] = await attemptsOf(reference);
      expect(cut, 'the attempt was committed before the pay call').toBeDefined();
      // before-commit: Antom debited, the answer is not stored; after-commit: stored, nobody answered.
      expect(cut!.status).toBe(point === 'charge.before-commit' ? 'CREATED' : 'SUCCEEDED');
      expect(await debitsFor([cut!.paymentRequestId])).toHaveLength(1);
      charges.push({ paymentId: cut!.id, paymentRequestId: cut!.paymentRequestId, via: `the API (${point})` });

      web = await startWeb();
      // Antom's resent PAYMENT_RESULT (or the sweep's inquiry) settles what the killed process left open.
      await until(async () => (await attemptsOf(reference))[0]!.status === 'SUCCEEDED', 90_000, 'the payment to succeed');
      await ageIdempotencyClaims();
      const retried = await api('POST', '/v1/charges', body, idempotencyKey);
      expect(retried?.status, JSON.stringify(retried?.json)).toBe(201);
      expect(retried!.json).toMatchObject({ reference, status: 'succeeded' });
      expect(retried!.json.attempts).toHaveLength(1);
      const attempts = await attemptsOf(reference);
      expect(attempts).toHaveLength(1);
      expect(await debitsFor(attempts.map((a) => a.paymentRequestId))).toEqual([expect.objectContaining({ amountMinor: '12300' })]);
      expect(await successTransitions(cut!.id)).toBe(1);
    }, 240_000);
  }

  for (const point of ['refund.before-commit', 'refund.after-commit'] as const) {
    it(`${point}: the web process dies during an API refund; the retry answers the one refund, one refund in the ledger`, async () => {
      const agreementId = await agreement();
      const paid = await chargeHere(agreementId, 20_000n);
      expect(paid.status).toBe('SUCCEEDED');
      const [intent] = await world.database.db.select().from(chargeIntents).where(eq(chargeIntents.id, paid.intentId!));
      const body = { charge_id: intent!.id, amount: '5000', reason: 'Fault point refund' };
      const idempotencyKey = `refund-${randomUUID()}`;
      web = await startWeb(point);
      expect(await api('POST', '/v1/refunds', body, idempotencyKey)).toBeNull();
      await diedAt(web, point);
      const [cut] = await world.database.db.select().from(refunds).where(eq(refunds.paymentId, paid.id));
      expect(cut, 'the refund row (and its reservation) was committed before the refund call').toBeDefined();
      expect(cut!.status).toBe(point === 'refund.before-commit' ? 'PENDING' : 'SUCCEEDED');

      web = await startWeb();
      await until(async () => (await world.database.db.select().from(refunds).where(eq(refunds.paymentId, paid.id)))[0]!.status === 'SUCCEEDED', 90_000, 'the refund to succeed');
      await ageIdempotencyClaims();
      const retried = await api('POST', '/v1/refunds', body, idempotencyKey);
      expect(retried?.status, JSON.stringify(retried?.json)).toBe(201);
      expect(retried!.json).toMatchObject({ id: cut!.id, status: 'SUCCEEDED', amount: '5000' });
      expect(await world.database.db.select().from(refunds).where(eq(refunds.paymentId, paid.id))).toHaveLength(1);
      const [after] = await world.database.db.select().from(payments).where(eq(payments.id, paid.id));
      expect(after!.refundedMinor).toBe(5000n);
      expect((await ledger()).filter((e) => e.kind === 'REFUND' && e.paymentRequestId === paid.paymentRequestId)).toEqual([expect.objectContaining({ amountMinor: '5000' })]);
    }, 240_000);
  }

  for (const point of ['notify.before-commit', 'notify.after-commit'] as const) {
    it(`${point}: the web process dies on Antom's PAYMENT_RESULT; the resend is applied once`, async () => {
      const agreementId = await agreement();
      // Earlier scenarios' notifications (and this agreement's) must not be the one that meets the fault.
      web = await startWeb();
      await until(async () => (await world.sim.control<{ notifications: { status: string }[] }>('/simulator/notifications')).notifications.every((n) => n.status !== 'PENDING'), 120_000, 'earlier notifications to be delivered');
      await stop(web);
      web = await startWeb(point);
      // Amounts ending in 061: PAYMENT_IN_PROCESS, then SUCCESS and its notification a moment later.
      const payment = await chargeHere(agreementId, 30_061n);
      expect(payment.status).toBe('PROCESSING');
      await diedAt(web, point);
      const [cut] = await world.database.db.select().from(payments).where(eq(payments.id, payment.id));
      expect(cut!.status).toBe(point === 'notify.before-commit' ? 'PROCESSING' : 'SUCCEEDED');

      web = await startWeb();
      const note = async () =>
        (await world.sim.control<{ notifications: { id: string; body: string; status: string; attempts: number }[] }>('/simulator/notifications')).notifications.find((n) =>
          n.body.includes(payment.paymentRequestId),
        );
      await until(async () => (await note())?.status === 'DELIVERED', 120_000, "Antom's resend to be acknowledged");
      // The first delivery died with the process; a resend was acknowledged.
      expect((await note())!.attempts).toBeGreaterThanOrEqual(2);
      const [final] = await world.database.db.select().from(payments).where(eq(payments.id, payment.id));
      expect(final!.status).toBe('SUCCEEDED');
      // One inbox row for the notification however many deliveries; one debit.
      const inbox = await world.database.db.select().from(inboxEvents).where(and(eq(inboxEvents.channel, 'payment'), eq(inboxEvents.objectRef, payment.paymentRequestId)));
      expect(inbox).toHaveLength(1);
      expect(await successTransitions(payment.id)).toBe(1);
      expect(await debitsFor([payment.paymentRequestId])).toHaveLength(1);
    }, 240_000);
  }

  for (const point of ['billing.before-commit', 'billing.after-commit'] as const) {
    it(`${point}: the worker dies in the billing run; the next run charges the period once`, async () => {
      const agreementId = await agreement();
      await world.database.db.update(agreements).set({ accessTokenExpiresAt: new Date('2040-01-01T00:00:00Z') }).where(eq(agreements.id, agreementId));
      // A monthly schedule whose first period fell due yesterday.
      const yesterday = new Date(Date.now() - 36 * 3600_000);
      const made = await createSchedule(world.database.db, world.admin, { agreementId, amount: '250.00', description: 'Fault-point box', intervalUnit: 'month', intervalCount: 1, startDate: yesterday.toISOString().slice(0, 10), timeZone: 'UTC' }, yesterday);
      if (!made.ok) throw new Error(made.error);
      const scheduleId = made.data.id;
      await stop(worker);
      worker = await startWorker(point);
      await queue.enqueue(runBillingJob.name, {}, { singletonKey: `fault-${point}` });
      await diedAt(worker, point);
      const periods = () => world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, scheduleId));
      // before-commit: the claim rolled back (no period); after-commit: period 1 claimed, nothing sent.
      expect((await periods()).map((p) => p.status)).toEqual(point === 'billing.before-commit' ? [] : ['charging']);
      if (point === 'billing.after-commit') {
        // The run takes a 'charging' period as abandoned after 2 minutes untouched: let those pass.
        await world.database.executeSql(`update schedule_periods set updated_at = updated_at - interval '10 minutes' where schedule_id = $1`, [scheduleId]);
      }

      worker = await startWorker();
      await queue.enqueue(runBillingJob.name, {}, { singletonKey: `fault-${point}-again` });
      await until(async () => (await periods()).some((p) => p.status === 'paid'), 90_000, 'the period to be paid');
      // Another run finds nothing more to do.
      await queue.enqueue(runBillingJob.name, {}, { singletonKey: `fault-${point}-once-more` });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const rows = await periods();
      expect(rows.map((p) => p.status)).toEqual(['paid']);
      const attempts = await world.database.db
        .select({ prid: payments.paymentRequestId, status: payments.status })
        .from(payments)
        .innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId))
        .where(like(chargeIntents.businessKey, `sch_${scheduleId}_%`));
      expect(attempts.map((a) => a.status)).toEqual(['SUCCEEDED']);
      const [billed] = await world.database.db.select({ id: payments.id, prid: payments.paymentRequestId }).from(payments).where(eq(payments.paymentRequestId, attempts[0]!.prid));
      charges.push({ paymentId: billed!.id, paymentRequestId: billed!.prid, via: `the billing run (${point})` });
      expect(await debitsFor(attempts.map((a) => a.prid))).toEqual([expect.objectContaining({ amountMinor: '25000' })]);
    }, 240_000);
  }


  it("the combined logs of every process of the run name none of the run's secrets; each charge's lines share one correlation id", async () => {
    // The worker signs an attempt of each of the run's events with the endpoint's secret. These processes run in
    // live mode (ALIPAY_GATEWAY_URL is set), so it then refuses the loopback endpoint (the SSRF guard) and records
    // the refusal: nothing reaches the sink. A scrape below uses the metrics token.
    await queue.enqueue(fanOutWebhooksJob.name, {}, { singletonKey: 'fault-points-fanout' });
    const attempted = async () =>
      (await world.database.executeSql(`select last_error from webhook_deliveries where attempts > 0 order by attempts desc limit 1`)).rows as { last_error: string | null }[];
    await until(async () => (await attempted()).length > 0, 60_000, 'a webhook attempt').catch(async (error: Error) => {
      // Say where the events stopped: still in the outbox, or deliveries and their last errors.
      const outbox = await world.database.executeSql('select count(*)::int as n from webhook_outbox');
      const deliveries = await world.database.executeSql('select status, attempts, last_error, count(*)::int as n from webhook_deliveries group by 1, 2, 3');
      throw new Error(`${error.message}: outbox ${JSON.stringify(outbox.rows)}, deliveries ${JSON.stringify(deliveries.rows)}`);
    });
    expect((await attempted())[0]!.last_error).toMatch(/private or loopback address/);
    expect(webhooksReceived).toBe(0);
    web = await startWeb();
    const scrape = await fetch(`${webUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('daikou_http_requests_total');
    await stop(web);
    web = null;
    await stop(worker);

    const lines = started.flatMap((p) => p.lines());
    const text = lines.join('\n');
    console.log(`[fault-points] ${started.length} processes, ${lines.length} log lines, ${secrets.size} secrets checked, ${charges.length} charges`);
    expect(secrets.size).toBeGreaterThanOrEqual(15);
    for (const [name, value] of secrets) {
      expect(value.length, name).toBeGreaterThanOrEqual(12);
      expect(text.includes(value), `${name} appears in the logs`).toBe(false);
    }

    const entries = lines.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [{ line, json: JSON.parse(line) as { correlationId?: string; msg?: string; name?: string } }];
      } catch {
        return [];
      }
    });
    expect(charges.length).toBeGreaterThanOrEqual(8);
    for (const c of charges) {
      // Every line of any process that names the charge (its paymentRequestId or its payment id) …
      const mine = entries.filter((e) => e.line.includes(c.paymentRequestId) || e.line.includes(c.paymentId) || e.json.correlationId === c.paymentRequestId);
      expect(mine.length, `${c.via}: no line names the charge`).toBeGreaterThan(0);
      // … carries the charge's paymentRequestId as its correlation id.
      expect(mine.filter((e) => e.json.correlationId !== c.paymentRequestId).map((e) => e.line), c.via).toEqual([]);
    }
  }, 180_000);
});
