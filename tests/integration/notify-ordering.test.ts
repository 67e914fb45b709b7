import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as postAuthorization } from '@/app/api/alipay/notify/authorization/route';
import { POST as postPayment } from '@/app/api/alipay/notify/payment/route';
import { POST as postRefund } from '@/app/api/alipay/notify/refund/route';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreements, inboxEvents, notificationDeliveries, paymentEvents, payments, refunds } from '@/lib/db/schema';
import { startSimulator, type RunningSimulator } from '@/lib/simulator/server';
import { AUTH_PATH, CLIENT_ID, KEYS, REFUND_PATH, TOKEN_KEYS, paymentResultBody, refundResultBody, seedPaymentWorld, signedRequest, useTestApp } from '../helpers/notify-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
const vault = TokenVault.fromBase64(TOKEN_KEYS.encryption, TOKEN_KEYS.index);

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe(`notification ordering and resends (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    useTestApp(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  // Antom's deliveries overtake each other; whatever order they land in, the agreement, payment and
  // refund must end where the in-order run leaves them (reliability.md R3).
  it('every permutation of {payment success, refund success, duplicate refund, TOKEN_CANCELED} ends in the in-order state', async () => {
    type Step = 'payment' | 'refund' | 'refund-again' | 'token-canceled';
    const finals: string[] = [];
    for (const order of permutations<Step>(['payment', 'refund', 'refund-again', 'token-canceled'])) {
      const token = `tok-${crypto.randomUUID()}`;
      const world = await seedPaymentWorld(database.db, { withRefund: true, accessTokenIndex: vault.index(token, 'accessToken') });
      for (const step of order) {
        const response =
          step === 'payment'
            ? await postPayment(signedRequest({ body: paymentResultBody(world.payment.paymentRequestId) }))
            : step === 'token-canceled'
              ? await postAuthorization(signedRequest({ path: AUTH_PATH, body: { authorizationNotifyType: 'TOKEN_CANCELED', accessToken: token, result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } } }))
              : await postRefund(signedRequest({ path: REFUND_PATH, body: refundResultBody(world.refund!.refundRequestId) }));
        expect(response.status, `${order.join(' → ')}: ${step}`).toBe(200);
      }
      const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
      const [refund] = await database.db.select().from(refunds).where(eq(refunds.id, world.refund!.id));
      const [agreement] = await database.db.select().from(agreements).where(eq(agreements.id, world.agreement.id));
      const events = await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, world.payment.id));
      finals.push(
        JSON.stringify({
          payment: payment!.status,
          refunded: String(payment!.refundedMinor),
          pending: String(payment!.refundPendingMinor),
          refund: refund!.status,
          agreement: agreement!.status,
          events: events.map((e) => e.type).sort(),
        }),
      );
    }
    expect(finals).toHaveLength(24);
    expect(new Set(finals).size).toBe(1);
    expect(JSON.parse(finals[0]!)).toMatchObject({ payment: 'SUCCEEDED', refunded: '400', pending: '0', refund: 'SUCCEEDED', agreement: 'REVOKED' });
  }, 120_000);

  describe('with the simulator resending on its compressed schedule', () => {
    let sim: RunningSimulator;
    let server: Server;
    let attempts = 0;
    /** The outage: the route answers 503 while this says so (the first test: its first three attempts). */
    let isDown: () => boolean = () => attempts <= 3;

    beforeAll(async () => {
      // The simulator signs as "Antom" with the key the portal trusts (KEYS.v1).
      sim = await startSimulator({
        port: 0,
        secret: 'notify-ordering-secret',
        persist: false,
        timeScale: 1 / 10_000,
        simulatorPrivateKeyPem: KEYS.v1.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        clients: [{ clientId: CLIENT_ID, publicKeyPem: KEYS.v1.publicPem, keyVersion: '1', notifyUrls: {} }],
      });
      // The portal's payment route, failing (as an outage would) for its first three attempts.
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', async () => {
          attempts++;
          if (isDown()) {
            res.writeHead(503).end('down');
            return;
          }
          const response = await postPayment(new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }));
          res.writeHead(response.status, { 'content-type': 'application/json' }).end(await response.text());
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await sim?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    /** One PAYMENT_RESULT sent by the simulator through the outage: delivered on attempt `attempt`, applied once. */
    async function deliveredOnce(attempt: number, waitMs: number): Promise<void> {
      const world = await seedPaymentWorld(database.db);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/portal/api/alipay/notify/payment`;
      const [record] = sim.ctx.notifier.enqueue({ clientId: CLIENT_ID, type: 'PAYMENT_RESULT', url, body: paymentResultBody(world.payment.paymentRequestId), relatedId: world.payment.id });
      const deadline = Date.now() + waitMs;
      while (sim.store.state.notifications[record!.id]!.status === 'PENDING' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const settled = sim.store.state.notifications[record!.id]!;
      expect(settled.status).toBe('DELIVERED');
      expect(settled.attempts).toBe(attempt);
      const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
      expect(payment!.status).toBe('SUCCEEDED');
      const inbox = await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, world.payment.paymentRequestId));
      expect(inbox).toHaveLength(1);
      const deliveries = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.objectRef, world.payment.paymentRequestId));
      expect(deliveries.map((d) => d.outcome)).toEqual(['applied']);
    }

    it('the route failing its first three attempts: the fourth delivery is applied once and nothing is lost', async () => {
      await deliveredOnce(4, 20_000);
    });

    // reliability.md §6.2 scenario 17: down for the first 3 h 10 min, the attempt at 3 h 22 min (after the 2 h
    // interval) gets through; down for 24 hours, only the 9th and last (15 h after the 8th at 9 h 22 min, so at
    // 24 h 22 min) does. Each later attempt is scheduled from the one before it, so it can only come later, never
    // early: the outcome does not depend on timing. At 1/10,000 of real time: 1.14 s and 8.64 s.
    it.each([
      { outage: '3 h 10 min', hours: 3 + 10 / 60, attempt: 7 },
      { outage: '24 hours', hours: 24, attempt: 9 },
    ])("the route down for the first $outage of the compressed clock: Antom's resend number $attempt is applied once", async ({ hours, attempt }) => {
      const outageMs = (hours * 3600_000) / 10_000;
      let firstAt: number | null = null;
      attempts = 0;
      isDown = () => {
        firstAt ??= Date.now();
        return Date.now() - firstAt < outageMs;
      };
      await deliveredOnce(attempt, 40_000);
    }, 60_000);
  });
});
