import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import { reconDiscrepancyEvents, webhookDeliveries, webhookOutbox } from '@/lib/db/schema';
import { fanOutWebhookEvents } from '@/lib/webhooks/deliver-webhooks';
import { dispatchWebhooks, OUTBOX_POLL_MAX_MS, startWebhookDispatcher } from '@/lib/webhooks/dispatch-webhooks';
import { verifyWebhook } from '@/lib/webhooks/standard-webhooks';
import { createWebhookEndpoint, disableWebhookEndpoint } from '@/lib/webhooks/webhook-endpoints';
import { seedActor } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * The webhook dispatcher (claims due deliveries in batches, objects side by side, each object's events in order,
 * woken by the outbox NOTIFY) and the reconciliation.discrepancy_opened event written with the discrepancy.
 */
let database: Database;
let admin: Actor;
let server: Server;
let url: string;
let endpointId: string;
let secret: string;
const vault = new TokenVault(randomBytes(32), randomBytes(32));
const receiver = { failFor: new Set<string>(), applied: [] as { id: string; object: string; seq: number; type: string }[], bad: 0 };

/** Commits `n` events of one object (seq 0..n-1) in one statement; the outbox trigger does the rest. */
async function events(object: string, from: number, n: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => sql`(${`t:${object}:${from + i}`}, ${object}::uuid, 'test_step', ${JSON.stringify({ seq: from + i })}::jsonb, clock_timestamp())`);
  await database.db.execute(sql`insert into recon_discrepancy_events (dedupe_key, discrepancy_id, type, detail, created_at) values ${sql.join(rows, sql`, `)}`);
}

describe(`webhook dispatcher and reconciliation events (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ok = verifyWebhook(secret, { id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']) }, body);
        if (!ok) receiver.bad++;
        const event = JSON.parse(body) as { type: string; data: { object_id: string; detail: { seq?: number } } };
        const key = `${event.data.object_id}:${event.data.detail.seq}`;
        if (receiver.failFor.delete(key)) {
          res.writeHead(503).end('later');
          return;
        }
        receiver.applied.push({ id: String(req.headers['webhook-id']), object: event.data.object_id, seq: event.data.detail.seq ?? -1, type: event.type });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const made = await createWebhookEndpoint(database.db, vault, admin, { url, eventTypes: [] }, false);
    if (!made.ok) throw new Error(made.error);
    endpointId = made.data.endpoint.id;
    secret = made.data.secret;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    await database?.close();
  });

  it('many objects at once, each in order; a failure holds back only its own object until the retry', async () => {
    receiver.applied = [];
    const objects = Array.from({ length: 6 }, () => randomUUID());
    for (const object of objects) await events(object, 0, 4);
    receiver.failFor.add(`${objects[0]}:1`);
    const first = await dispatchWebhooks(database.db, { vault }, { batch: 100, concurrency: 4 });
    expect(first).toMatchObject({ fannedOut: 24, claimed: 24, delivered: 21 });
    const byObject = (o: string) => receiver.applied.filter((a) => a.object === o).map((a) => a.seq);
    expect(byObject(objects[0]!)).toEqual([0]);
    for (const o of objects.slice(1)) expect(byObject(o)).toEqual([0, 1, 2, 3]);
    // Held back: the failed one is due in 5 s; the object's later events wait for it.
    expect((await dispatchWebhooks(database.db, { vault })).claimed).toBe(0);
    const later = new Date(Date.now() + 6_000);
    const retried = await dispatchWebhooks(database.db, { vault, now: () => later });
    expect(retried.delivered).toBe(3);
    expect(byObject(objects[0]!)).toEqual([0, 1, 2, 3]);
    expect(receiver.bad).toBe(0);
    const pending = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.status, 'pending'));
    expect(pending).toHaveLength(0);
  });

  it('the running dispatcher sees events another process committed within its outbox probe, not its idle round', async () => {
    receiver.applied = [];
    const dispatcher = startWebhookDispatcher(database, { vault }, { idleMs: 60_000 });
    try {
      // Idle long enough for the probe to back off to its longest step.
      await new Promise((r) => setTimeout(r, 1_000));
      const object = randomUUID();
      const committed = Date.now();
      await events(object, 0, 3);
      while (receiver.applied.length < 3 && Date.now() - committed < 5_000) await new Promise((r) => setTimeout(r, 10));
      expect(receiver.applied.map((a) => a.seq)).toEqual([0, 1, 2]);
      // The longest probe step plus a round, far below the 60 s idle round.
      expect(Date.now() - committed).toBeLessThan(OUTBOX_POLL_MAX_MS + 1_500);
    } finally {
      await dispatcher.stop();
    }
  });

  it('a statement writing many timeline entries puts each on the outbox once, in the order written', async () => {
    await database.db.execute(sql`delete from webhook_outbox`);
    const object = randomUUID();
    await events(object, 0, 5);
    const rows = rowsOf<{ event_id: string; seq: number }>(
      await database.db.execute(sql`select o.event_id, (e.detail->>'seq')::int as seq from webhook_outbox o join recon_discrepancy_events e on e.id = o.event_id order by o.id`),
    );
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    await database.db.execute(sql`delete from webhook_outbox`);
  });

  it('opening a reconciliation discrepancy emits reconciliation.discrepancy_opened in the same statement, once per discrepancy', async () => {
    await database.db.execute(sql`delete from webhook_outbox`);
    receiver.applied = [];
    const insertDiscrepancy = () =>
      database.db.execute(sql`insert into recon_discrepancies (dedupe_key, kind, report_date, transaction_request_id, currency, report_value, ledger_value)
        values ('2026-12-01:amount_mismatch:PAYMENT:pr_1', 'amount_mismatch', '2026-12-01', 'pr_1', 'PHP', '10000', '9000')`);
    // A failed statement leaves neither the discrepancy nor its event (same statement, same transaction).
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into recon_discrepancies (dedupe_key, kind, report_date) values ('2026-12-01:x', 'amount_mismatch', '2026-12-01')`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await database.db.select().from(reconDiscrepancyEvents).where(eq(reconDiscrepancyEvents.dedupeKey, '2026-12-01:x'))).toHaveLength(0);
    await insertDiscrepancy();
    const [event] = await database.db.select().from(reconDiscrepancyEvents).where(eq(reconDiscrepancyEvents.dedupeKey, '2026-12-01:amount_mismatch:PAYMENT:pr_1'));
    expect(event).toMatchObject({ type: 'discrepancy_opened', detail: expect.objectContaining({ kind: 'amount_mismatch', report_value: '10000', ledger_value: '9000' }) });
    expect(await database.db.select().from(webhookOutbox).where(eq(webhookOutbox.eventId, event!.id))).toHaveLength(1);
    // Re-matching the day deletes and re-inserts its OPEN rows: nothing is opened twice.
    await database.db.execute(sql`delete from recon_discrepancies where report_date = '2026-12-01' and status = 'OPEN'`);
    await insertDiscrepancy();
    expect(await database.db.select().from(reconDiscrepancyEvents).where(eq(reconDiscrepancyEvents.dedupeKey, '2026-12-01:amount_mismatch:PAYMENT:pr_1'))).toHaveLength(1);
    expect(await database.db.select().from(webhookOutbox)).toHaveLength(1);
    // The fan-out makes it a delivery of type reconciliation.discrepancy_opened.
    expect(await fanOutWebhookEvents(database.db, null, new Date())).toBe(1);
    const [delivery] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, event!.id));
    expect(delivery).toMatchObject({ endpointId, eventType: 'reconciliation.discrepancy_opened' });
    expect(JSON.parse(delivery!.payload)).toMatchObject({ type: 'reconciliation.discrepancy_opened', data: { object_type: 'reconciliation_discrepancy', object_id: event!.discrepancyId } });
    await dispatchWebhooks(database.db, { vault });
    expect(receiver.applied.map((a) => a.type)).toEqual(['reconciliation.discrepancy_opened']);
  });

  it('a disabled endpoint gets nothing claimed, and with no enabled endpoint nothing is queued', async () => {
    await events(randomUUID(), 0, 2); // queued while the endpoint is enabled
    expect((await disableWebhookEndpoint(database.db, admin, endpointId)).ok).toBe(true);
    expect(await dispatchWebhooks(database.db, { vault })).toMatchObject({ claimed: 0 });
    expect(await database.db.select().from(webhookOutbox)).toHaveLength(0);
    await events(randomUUID(), 0, 2);
    expect(await database.db.select().from(webhookOutbox)).toHaveLength(0);
  });
});
