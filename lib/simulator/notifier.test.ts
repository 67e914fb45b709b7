// Notification delivery on a compressed clock: Antom's resend schedule (ams-api.md §7.3, written out below),
// only the fixed acknowledgement stops it, every attempt is in the delivery log.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayClient } from '../alipay';
import { control, startReceiver, startTestSimulator, TEST_CLIENT_ID, waitFor, type TestSimulator, type Json } from './test-kit';

const SCALE = 1 / 20_000;
/**
 * ams-api.md §7.3, written out here rather than imported from notifier.ts, so a wrong constant in the
 * module fails this test instead of defining what it expects: 8 resends after the first attempt, at
 * 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h and 15 h (simulated milliseconds).
 */
const ANTOM_RESEND_GAPS_MS = [0, 120_000, 600_000, 600_000, 3_600_000, 7_200_000, 21_600_000, 54_000_000];
let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator({ timeScale: SCALE, tickMs: 5 });
});
afterAll(async () => {
  await t.close();
});

/** Registers a second client whose payment notifications go to `url`, authorizes a token and pays once. */
async function payOnceNotifyingTo(url: string, clientId: string): Promise<string> {
  await control(t, 'POST', 'clients', { clientId, publicKeyPem: t.merchant.publicPem, notifyUrls: { payment: url } });
  const client = createAlipayClient({ gatewayUrl: t.sim.url, clientId, merchantPrivateKey: t.merchant.privatePem, alipayPublicKey: t.sim.publicKeyPem, maxRetries: 0 });
  const authState = `s-${clientId}`;
  await client.consult({ customerBelongsTo: 'GCASH', authRedirectUrl: 'https://m.example/r', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
  const approved = await control(t, 'POST', 'authorizations/approve', { authState });
  const token = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode: approved.json.authCode } as never);
  const paid = await client.pay({
    paymentRequestId: `p-${clientId}`,
    paymentAmount: { currency: 'PHP', value: '10000' },
    paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: (token.data as Json).accessToken },
    order: { referenceOrderId: 'o1', orderDescription: 'x', orderAmount: { currency: 'PHP', value: '10000' } },
  } as never);
  return (paid.data as Json).paymentId as string;
}

describe('resend schedule', () => {
  it('fails 8 times then acknowledges: 9 attempts spaced by the scaled schedule; a dead endpoint is given up after 9', async () => {
    const flaky = await startReceiver(8);
    const dead = await startReceiver(1_000);
    try {
      const [flakyPayment, deadPayment] = await Promise.all([
        payOnceNotifyingTo(`${flaky.url}/notify/pay?x=1`, 'FLAKY_CLIENT'),
        payOnceNotifyingTo(`${dead.url}/notify/pay`, 'DEAD_CLIENT'),
      ]);
      await waitFor(() => flaky.received.length === 9 && dead.received.length === 9, 20_000);
      // Path + query are what the simulator signed over.
      expect(flaky.received[0]?.path).toBe('/notify/pay?x=1');
      const gaps = flaky.received.slice(1).map((r, i) => r.at - (flaky.received[i]?.at ?? 0));
      expect(gaps).toHaveLength(ANTOM_RESEND_GAPS_MS.length);
      ANTOM_RESEND_GAPS_MS.forEach((interval, i) => {
        expect(gaps[i], `gap before resend ${i + 1}`).toBeGreaterThanOrEqual(interval * SCALE - 5);
        // Generous upper bound: CI runs suites in parallel; "never early" is the property that matters most.
        expect(gaps[i], `gap before resend ${i + 1}`).toBeLessThan(interval * SCALE + 1_000);
      });
      // The long gaps really are long: the last one (15 h) alone is 2.7 s on this clock.
      expect(gaps[7]).toBeGreaterThanOrEqual(2_695);
      const byPayment = (id: string) => Object.values(t.sim.store.state.notifications).find((n) => n.relatedId === id);
      // The receiver sees the 9th attempt a moment before the simulator records its outcome.
      await waitFor(() => byPayment(deadPayment)?.status === 'GAVE_UP' && byPayment(flakyPayment)?.status === 'DELIVERED');
      const flakyN = (await control(t, 'GET', 'notifications')).json.notifications.find((n: Json) => n.relatedId === flakyPayment);
      expect(flakyN).toMatchObject({ status: 'DELIVERED', attempts: 9 });
      const deadN = (await control(t, 'GET', 'notifications')).json.notifications.find((n: Json) => n.relatedId === deadPayment);
      expect(deadN).toMatchObject({ status: 'GAVE_UP', attempts: 9 });
      const log = (await control(t, 'GET', `deliveries?notificationId=${flakyN.id}`)).json.deliveries;
      expect(log).toHaveLength(9);
      expect(log.slice(0, 8).every((d: Json) => d.httpStatus === 500 && !d.acknowledged && d.answer === 'not now')).toBe(true);
      expect(log[8]).toMatchObject({ httpStatus: 200, acknowledged: true, attempt: 9 });
      expect(typeof log[8].latencyMs).toBe('number');
      // Every resend carries the same body bytes.
      expect(new Set(flaky.received.map((r) => r.body)).size).toBe(1);
      // Signed as Antom: Client-Id of the merchant, Request-Time, a signature without spaces.
      expect(flaky.received[0]?.headers['client-id']).toBe('FLAKY_CLIENT');
      expect(flaky.received[0]?.headers['signature']).toMatch(/^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$/);
    } finally {
      await flaky.close();
      await dead.close();
    }
  }, 30_000);

  it('a 200 with another body is not an acknowledgement; force resend adds a logged attempt', async () => {
    let answered = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        answered += 1;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(answered === 1 ? 'OK' : '{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/n`;
    try {
      const paymentId = await payOnceNotifyingTo(url, 'PICKY_CLIENT');
      await waitFor(() => Object.values(t.sim.store.state.notifications).find((x) => x.relatedId === paymentId)?.status === 'DELIVERED');
      const record = (await control(t, 'GET', 'notifications')).json.notifications.find((x: Json) => x.relatedId === paymentId);
      expect(record).toMatchObject({ status: 'DELIVERED', attempts: 2 });
      const log = (await control(t, 'GET', `deliveries?notificationId=${record.id}`)).json.deliveries;
      expect(log[0]).toMatchObject({ httpStatus: 200, acknowledged: false, answer: 'OK' });
      const forced = await control(t, 'POST', 'notifications/resend', { id: record.id });
      expect(forced.json.attempt).toMatchObject({ forced: true, acknowledged: true });
      expect((await control(t, 'GET', `deliveries?notificationId=${record.id}`)).json.deliveries).toHaveLength(3);
    } finally {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    }
  });
});

describe('control API', () => {
  it('refuses calls without the secret, serves the public key without it', async () => {
    const denied = await fetch(`${t.sim.url}/simulator/ledger`);
    expect(denied.status).toBe(401);
    const key = await fetch(`${t.sim.url}/simulator/public-key`);
    expect(await key.text()).toBe(t.sim.publicKeyPem);
  });

  it('rejects a client with an unreadable key', async () => {
    const r = await control(t, 'POST', 'clients', { clientId: 'BAD', publicKeyPem: 'not a key' });
    expect(r.status).toBe(400);
  });

  it('reports the ledger with totals per currency', async () => {
    const r = await control(t, 'GET', `ledger?clientId=FLAKY_CLIENT`);
    expect(r.json.totals.PHP).toMatchObject({ debitedMinor: '10000', netMinor: '10000' });
    const all = await control(t, 'GET', `ledger?clientId=${TEST_CLIENT_ID}`);
    expect(all.json.entries).toEqual([]);
  });
});
