import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreementEvents, auditLog, paymentEvents, webhookDeliveries, webhookEndpoints, webhookOutbox } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { deliverWebhook, fanOutWebhookEvents, WEBHOOK_DISABLE_AFTER_MS } from '@/lib/webhooks/deliver-webhooks';
import { verifyWebhook } from '@/lib/webhooks/standard-webhooks';
import { checkWebhookTarget, createWebhookEndpoint, rotateWebhookSecret } from '@/lib/webhooks/webhook-endpoints';
import { seedActor, seedSucceededPayment } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * Webhook delivery as a receiver sees it: in order per object (a later event waits for an earlier one that is
 * being retried), each event applied once with a valid Standard Webhooks signature across a secret rotation,
 * an endpoint that keeps failing disabled with an alert, and live-mode targets checked through DNS.
 */
let database: Database;
let admin: Actor;
let server: Server;
let url: string;
const vault = new TokenVault(randomBytes(32), randomBytes(32));

/** The receiver: fails the first `failFirst` requests, then applies each webhook-id once if its signature verifies. */
const receiver = { clock: () => Math.floor(Date.now() / 1000), failFirst: 0, secrets: [] as string[], requests: 0, applied: [] as { id: string; type: string; object: string }[], seen: new Set<string>(), badSignatures: 0 };

/** A pg-boss stand-in: FIFO, one queued job per singleton key, two workers taking jobs at once. */
let queue: { deliveryId: string; key: string }[] = [];
const enqueue: Enqueue = async (_name, data, options) => {
  const key = options?.singletonKey ?? String(data.deliveryId);
  if (!queue.some((j) => j.key === key)) queue.push({ deliveryId: String(data.deliveryId), key });
};
async function drain(deps: Parameters<typeof deliverWebhook>[1], workers = 2, rounds = 500): Promise<string[]> {
  const outcomes: string[] = [];
  for (let round = 0; queue.length > 0 && round < rounds; round++) {
    const batch = queue.splice(0, workers);
    outcomes.push(...(await Promise.all(batch.map((j) => deliverWebhook(database.db, deps, j.deliveryId)))));
  }
  if (rounds === 500) expect(queue).toEqual([]);
  return outcomes;
}

describe(`webhook ordering, retries, rotation and disabling (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver.requests++;
        if (receiver.failFirst > 0) {
          receiver.failFirst--;
          res.writeHead(503).end('try later');
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = { id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']) };
        if (!receiver.secrets.some((s) => verifyWebhook(s, headers, body, receiver.clock()))) {
          receiver.badSignatures++;
          res.writeHead(401).end();
          return;
        }
        if (!receiver.seen.has(headers.id)) {
          receiver.seen.add(headers.id);
          const event = JSON.parse(body) as { type: string; data: { object_type: string; object_id: string } };
          receiver.applied.push({ id: headers.id, type: event.type, object: `${event.data.object_type}:${event.data.object_id}` });
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    await database?.close();
  });
  beforeEach(async () => {
    queue = [];
    Object.assign(receiver, { clock: () => Math.floor(Date.now() / 1000), failFirst: 0, secrets: [], requests: 0, applied: [], seen: new Set<string>(), badSignatures: 0 });
    // Each test has its own endpoint: the earlier ones stop receiving.
    await database.db.update(webhookEndpoints).set({ disabledAt: new Date() }).where(isNull(webhookEndpoints.disabledAt));
  });

  it('a receiver failing 3 times then succeeding gets every event once, in order per object, signed; a rotation mid-stream loses nothing', async () => {
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    receiver.secrets = [made.data.secret];
    receiver.failFirst = 3;
    const a = await seedSucceededPayment(database.db, { amountMinor: 1000n });
    const b = await seedSucceededPayment(database.db, { amountMinor: 2000n });
    const base = Date.now() - 60_000;
    // Interleaved events of two agreements and one payment, 1 ms apart.
    const written: { object: string; type: string }[] = [];
    for (let i = 0; i < 4; i++) {
      await database.db.insert(agreementEvents).values({ agreementId: a.agreementId, type: `a_step_${i}`, detail: { n: i }, createdAt: new Date(base + i * 3) });
      await database.db.insert(agreementEvents).values({ agreementId: b.agreementId, type: `b_step_${i}`, detail: { n: i }, createdAt: new Date(base + i * 3 + 1) });
      await database.db.insert(paymentEvents).values({ paymentId: a.id, type: `p_step_${i}`, cause: 'api', detail: { n: i }, createdAt: new Date(base + i * 3 + 2) });
      written.push({ object: `agreement:${a.agreementId}`, type: `agreement.a_step_${i}` }, { object: `agreement:${b.agreementId}`, type: `agreement.b_step_${i}` }, { object: `charge_attempt:${a.id}`, type: `charge_attempt.p_step_${i}` });
    }
    expect(await fanOutWebhookEvents(database.db, enqueue, new Date())).toBe(12);

    // A few rounds in (some delivered, some still being retried), the merchant rotates the secret and the receiver
    // switches to the new one at once; more events come, some failing again.
    for (let round = 0; round < 100 && receiver.applied.length < 4; round++) await drain({ vault, enqueue }, 2, 1);
    expect(receiver.applied.length).toBeGreaterThanOrEqual(4);
    expect(receiver.applied.length).toBeLessThan(12);
    const rotated = await rotateWebhookSecret(database.db, vault, admin, made.data.endpoint.id);
    if (!rotated.ok) throw new Error(rotated.error);
    receiver.secrets = [rotated.data.secret];
    receiver.failFirst = 3;
    for (let i = 4; i < 7; i++) {
      await database.db.insert(agreementEvents).values({ agreementId: a.agreementId, type: `a_step_${i}`, detail: { n: i }, createdAt: new Date(base + 100 + i) });
      written.push({ object: `agreement:${a.agreementId}`, type: `agreement.a_step_${i}` });
    }
    expect(await fanOutWebhookEvents(database.db, enqueue, new Date())).toBe(3);
    await drain({ vault, enqueue }, 2);
    expect(receiver.applied.length).toBe(15);

    // Each event once, and per object in the order written.
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.applied.map((e) => e.type).sort()).toEqual(written.map((w) => w.type).sort());
    for (const object of new Set(written.map((w) => w.object))) {
      expect(receiver.applied.filter((e) => e.object === object).map((e) => e.type), object).toEqual(written.filter((w) => w.object === object).map((w) => w.type));
    }
    const rows = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, made.data.endpoint.id));
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    // Six failed requests in all (3 before, 3 after the rotation), each retried; no event sent after success.
    expect(receiver.requests).toBe(15 + 6);
  });

  it('the outbox row is written with the event (a rolled-back change writes neither) and an event that commits late is still delivered', async () => {
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    receiver.secrets = [made.data.secret];
    const p = await seedSucceededPayment(database.db, { amountMinor: 1000n });
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(agreementEvents).values({ agreementId: p.agreementId, type: 'rolled_back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await database.db.select().from(webhookOutbox)).toEqual([]);
    await fanOutWebhookEvents(database.db, enqueue, new Date());
    // Stamped an hour ago (a transaction that began then and commits only now): a time cursor would have passed it.
    await database.db.insert(agreementEvents).values({ agreementId: p.agreementId, type: 'late_commit', createdAt: new Date(Date.now() - 3600_000) });
    expect(await fanOutWebhookEvents(database.db, enqueue, new Date())).toBe(1);
    expect(await database.db.select().from(webhookOutbox)).toEqual([]);
    await drain({ vault, enqueue });
    expect(receiver.applied.map((e) => e.type)).toEqual(['agreement.late_commit']);
  });

  it('a later event for an object waits while an earlier one is being retried', async () => {
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    receiver.secrets = [made.data.secret];
    const p = await seedSucceededPayment(database.db, { amountMinor: 1000n });
    const base = Date.now() - 30_000;
    await database.db.insert(agreementEvents).values({ agreementId: p.agreementId, type: 'first', createdAt: new Date(base) });
    await database.db.insert(agreementEvents).values({ agreementId: p.agreementId, type: 'second', createdAt: new Date(base + 1) });
    await fanOutWebhookEvents(database.db, enqueue, new Date());
    const [firstJob, secondJob] = queue.splice(0, 2);
    receiver.failFirst = 1;
    expect(await deliverWebhook(database.db, { vault, enqueue }, firstJob!.deliveryId)).toBe('retry');
    expect(await deliverWebhook(database.db, { vault, enqueue }, secondJob!.deliveryId)).toBe('waiting');
    expect(receiver.applied).toEqual([]);
    expect(await deliverWebhook(database.db, { vault, enqueue }, firstJob!.deliveryId)).toBe('succeeded');
    // The first one's success queued the second at once.
    expect(queue.some((j) => j.deliveryId === secondJob!.deliveryId)).toBe(true);
    await drain({ vault, enqueue });
    expect(receiver.applied.map((e) => e.type)).toEqual(['agreement.first', 'agreement.second']);
  });

  it('an endpoint that keeps failing is disabled with an audit row and a reason for the Webhooks page; a success in between resets the clock', async () => {
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    receiver.secrets = [made.data.secret];
    const p = await seedSucceededPayment(database.db, { amountMinor: 1000n });
    for (let i = 0; i < 3; i++) await database.db.insert(agreementEvents).values({ agreementId: p.agreementId, type: `e${i}`, createdAt: new Date(Date.now() - 10_000 + i) });
    await fanOutWebhookEvents(database.db, enqueue, new Date());
    const ids = queue.splice(0).map((j) => j.deliveryId);
    const t0 = Date.now();
    const at = (ms: number) => () => new Date(t0 + ms);
    receiver.failFirst = 1_000;
    expect(await deliverWebhook(database.db, { vault, enqueue, now: at(0) }, ids[0]!)).toBe('retry');
    expect(await deliverWebhook(database.db, { vault, enqueue, now: at(WEBHOOK_DISABLE_AFTER_MS / 2) }, ids[0]!)).toBe('retry');
    // One success: healthy again (the receiver's clock is the worker's, for the signature's timestamp check).
    receiver.failFirst = 0;
    receiver.clock = () => Math.floor((t0 + WEBHOOK_DISABLE_AFTER_MS / 2 + 1000) / 1000);
    expect(await deliverWebhook(database.db, { vault, enqueue, now: at(WEBHOOK_DISABLE_AFTER_MS / 2 + 1000) }, ids[0]!)).toBe('succeeded');
    let [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, made.data.endpoint.id));
    expect(endpoint!.failingSince).toBeNull();
    receiver.failFirst = 1_000;
    const start = WEBHOOK_DISABLE_AFTER_MS;
    expect(await deliverWebhook(database.db, { vault, enqueue, now: at(start) }, ids[1]!)).toBe('retry');
    expect(await deliverWebhook(database.db, { vault, enqueue, now: at(start + WEBHOOK_DISABLE_AFTER_MS - 60_000) }, ids[1]!)).toBe('retry');
    [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, made.data.endpoint.id));
    expect(endpoint!.disabledAt).toBeNull();
    expect(await deliverWebhook(database.db, { vault, enqueue, now: at(start + WEBHOOK_DISABLE_AFTER_MS + 1000) }, ids[1]!)).toBe('retry');
    [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, made.data.endpoint.id));
    expect(endpoint!.disabledAt).not.toBeNull();
    expect(endpoint!.disabledReason).toMatch(/^Disabled automatically: every delivery since .* failed \(last: HTTP 503\)\.$/);
    const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'webhook_endpoint.auto_disable'), eq(auditLog.objectId, made.data.endpoint.id)));
    expect(audits).toHaveLength(1);
    // Nothing more is sent to it.
    const before = receiver.requests;
    expect(await deliverWebhook(database.db, { vault, enqueue }, ids[2]!)).toBe('skipped');
    expect(receiver.requests).toBe(before);
  });

  it('live mode refuses loopback, private and DNS-resolving-to-private targets, at creation and before each delivery', async () => {
    const resolveTo = (addresses: string[]) => async () => addresses;
    expect(await checkWebhookTarget('https://hooks.shop.example/daikou', true, resolveTo(['10.0.0.7']))).toMatch(/resolves to one/);
    expect(await checkWebhookTarget('https://hooks.shop.example/daikou', true, resolveTo(['93.184.216.34', '::1']))).toMatch(/resolves to one/);
    expect(await checkWebhookTarget('https://hooks.shop.example/daikou', true, resolveTo(['169.254.169.254']))).toMatch(/private/);
    expect(await checkWebhookTarget('https://hooks.shop.example/daikou', true, resolveTo(['93.184.216.34']))).toBeNull();
    expect(await checkWebhookTarget('https://hooks.shop.example/daikou', true, async () => Promise.reject(new Error('ENOTFOUND')))).toMatch(/does not resolve/);
    expect(await checkWebhookTarget('https://127.0.0.1/h', true, resolveTo([]))).toMatch(/private/);
    expect(await checkWebhookTarget('https://[fd00::1]/h', true, resolveTo([]))).toMatch(/private/);
    expect(await checkWebhookTarget('http://hooks.shop.example/h', true, resolveTo(['93.184.216.34']))).toMatch(/https/);
    // The simulator allows local receivers for testing.
    expect(await checkWebhookTarget('http://127.0.0.1:4000/h', false, resolveTo(['127.0.0.1']))).toBeNull();
    const refused = await createWebhookEndpoint(database.db, vault, admin, { url: 'https://intranet.shop.example/h', eventTypes: [] }, true, resolveTo(['192.168.1.10']));
    expect(refused).toMatchObject({ ok: false, code: 'url_invalid' });

    // A name that pointed outside at creation and now points at a private address (DNS rebinding): nothing is sent.
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    const p = await seedSucceededPayment(database.db, { amountMinor: 1000n });
    await database.db.insert(agreementEvents).values({ agreementId: p.agreementId, type: 'rebind', createdAt: new Date(Date.now() - 10_000) });
    await fanOutWebhookEvents(database.db, enqueue, new Date());
    const [job] = queue.splice(0);
    expect(await deliverWebhook(database.db, { vault, enqueue, live: true, resolve: resolveTo(['127.0.0.1']) }, job!.deliveryId)).toBe('retry');
    expect(receiver.requests).toBe(0);
    const [row] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, job!.deliveryId));
    expect(row!.lastError).toMatch(/resolves to a private or loopback address/);
  });
});
