import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreementEvents, webhookDeliveries } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { deliverWebhook, fanOutWebhookEvents } from '@/lib/webhooks/deliver-webhooks';
import { verifyWebhook } from '@/lib/webhooks/standard-webhooks';
import { checkWebhookUrl, createWebhookEndpoint, disableWebhookEndpoint, replayWebhookDelivery, rotateWebhookSecret } from '@/lib/webhooks/webhook-endpoints';
import { seedActor, seedSucceededPayment } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let admin: Actor;
let server: Server;
let url: string;
const vault = new TokenVault(randomBytes(32), randomBytes(32));
const received: { headers: Record<string, string>; body: string }[] = [];
let failuresLeft = 3;
const jobs: { name: string; data: Record<string, unknown>; startAfterSeconds?: number }[] = [];
const enqueue: Enqueue = async (name, data, options) => {
  jobs.push({ name, data, startAfterSeconds: options?.startAfterSeconds });
};

describe(`outbound webhooks (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(500).end('busy');
          return;
        }
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
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

  it('refuses http and private addresses in live mode, allows them with the simulator', () => {
    expect(checkWebhookUrl('http://shop.example.com/h', true)).toMatch(/https/);
    expect(checkWebhookUrl('https://127.0.0.1/h', true)).toMatch(/private/);
    expect(checkWebhookUrl('https://10.1.2.3/h', true)).toMatch(/private/);
    expect(checkWebhookUrl('https://[::1]/h', true)).toMatch(/private/);
    expect(checkWebhookUrl('https://localhost/h', true)).toMatch(/private/);
    expect(checkWebhookUrl('https://shop.example.com/h', true)).toBeNull();
    expect(checkWebhookUrl('http://127.0.0.1:4000/h', false)).toBeNull();
  });

  it('a receiver failing 3 times then succeeding gets each event once, signed, in order; a rotation mid-stream loses nothing', async () => {
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    const firstSecret = made.data.secret;
    expect(firstSecret).toMatch(/^whsec_/);
    const payment = await seedSucceededPayment(database.db, { amountMinor: 1000n });
    const base = Date.now() - 60_000;
    for (let i = 0; i < 3; i++) await database.db.insert(agreementEvents).values({ agreementId: payment.agreementId, type: `step_${i}`, detail: { n: i }, createdAt: new Date(base + i * 1000) });
    const fanned = await fanOutWebhookEvents(database.db, enqueue, new Date());
    expect(fanned).toBeGreaterThanOrEqual(3);
    expect(await fanOutWebhookEvents(database.db, enqueue, new Date())).toBe(0);

    const deliveries = await database.db.select().from(webhookDeliveries).orderBy(webhookDeliveries.createdAt);
    const deps = { vault, enqueue };
    // First delivery: 3 failures, each scheduling a retry with back-off, then success.
    const first = deliveries[0]!;
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await deliverWebhook(database.db, deps, first.id));
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'succeeded']);
    expect(jobs.filter((j) => j.data.deliveryId === first.id && j.startAfterSeconds).map((j) => j.startAfterSeconds)).toEqual([5, 300, 1800]);
    expect(await deliverWebhook(database.db, deps, first.id)).toBe('skipped');

    // Rotation: both secrets sign for 24 h, so a receiver on either verifies.
    const rotated = await rotateWebhookSecret(database.db, vault, admin, made.data.endpoint.id);
    if (!rotated.ok) throw new Error(rotated.error);
    for (const d of deliveries.slice(1)) expect(await deliverWebhook(database.db, deps, d.id)).toBe('succeeded');

    expect(received).toHaveLength(deliveries.length);
    const nowSeconds = Math.floor(Date.now() / 1000);
    received.forEach((r, i) => {
      const headers = { id: r.headers['webhook-id']!, timestamp: r.headers['webhook-timestamp']!, signature: r.headers['webhook-signature']! };
      if (i === 0) expect(verifyWebhook(firstSecret, headers, r.body, nowSeconds)).toBe(true);
      else {
        expect(verifyWebhook(firstSecret, headers, r.body, nowSeconds)).toBe(true);
        expect(verifyWebhook(rotated.data.secret, headers, r.body, nowSeconds)).toBe(true);
      }
      expect(verifyWebhook(firstSecret, headers, `${r.body} `, nowSeconds)).toBe(false);
    });
    const types = received.map((r) => (JSON.parse(r.body) as { type: string }).type).filter((t) => t.startsWith('agreement.step_'));
    expect(types).toEqual(['agreement.step_0', 'agreement.step_1', 'agreement.step_2']);
    const [log] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, first.id));
    expect(log).toMatchObject({ status: 'succeeded', attempts: 4, lastStatusCode: 204 });

    // Replay sends the same delivery again; a disabled endpoint's deliveries are refused.
    expect((await replayWebhookDelivery(database.db, admin, enqueue, first.id)).ok).toBe(true);
    expect(await deliverWebhook(database.db, deps, first.id)).toBe('succeeded');
    expect(received.at(-1)!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
    expect((await disableWebhookEndpoint(database.db, admin, made.data.endpoint.id)).ok).toBe(true);
    expect(await replayWebhookDelivery(database.db, admin, enqueue, first.id)).toMatchObject({ ok: false, code: 'endpoint_disabled' });
  });
});
