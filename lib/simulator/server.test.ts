// Server-level pieces: the home page, the optional HTTPS listener (self-signed, node-forge), the
// out-of-order notification scenario and ensureDevKeys.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey, loadPublicKey, isKeyPair } from '../alipay/keys';
import { ensureDevKeys } from './keys';
import { testKeyPair } from '../alipay/test-support';
import { alipayClientFor, amsCall, authorizeViaControl, payInput, startReceiver, startTestSimulator, control, TEST_CLIENT_ID, uniqueId, waitFor, type Json } from './test-kit';

describe('ensureDevKeys', () => {
  it('creates two distinct RSA-2048 pairs once and reuses them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'daikou-keys-'));
    try {
      const first = ensureDevKeys(dir);
      const second = ensureDevKeys(dir);
      expect(second).toEqual(first);
      expect(isKeyPair(loadPrivateKey(first.merchantPrivateKeyPem), loadPublicKey(first.merchantPublicKeyPem))).toBe(true);
      expect(isKeyPair(loadPrivateKey(first.simulatorPrivateKeyPem), loadPublicKey(first.simulatorPublicKeyPem))).toBe(true);
      expect(first.merchantPublicKeyPem).not.toBe(first.simulatorPublicKeyPem);
      expect(readFileSync(path.join(dir, 'keys', 'simulator-public.pem'), 'utf8')).toBe(first.simulatorPublicKeyPem);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('server', () => {
  it('registers the clients listed in <dataDir>/simulator/clients.json at start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'daikou-sim-'));
    try {
      const merchant = testKeyPair('simulator-merchant');
      mkdirSync(path.join(dir, 'simulator'), { recursive: true });
      writeFileSync(path.join(dir, 'simulator', 'clients.json'), JSON.stringify([{ clientId: 'FROM_FILE', publicKeyPem: merchant.publicPem, keyVersion: 3 }]));
      const t = await startTestSimulator({}, dir);
      try {
        const r = await amsCall(t, 'payments/inquiryPayment', { paymentId: 'x' }, { clientId: 'FROM_FILE', keyVersion: '3' });
        expect(r.json.result.resultCode).toBe('ORDER_NOT_EXIST');
        expect(r.signed).toBe(true);
      } finally {
        await t.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the home page and HTTPS with a self-signed certificate', async () => {
    const t = await startTestSimulator({ https: {} });
    try {
      const home = await (await fetch(`${t.sim.url}/`)).text();
      expect(home).toContain('<html lang="en">');
      expect(home).toContain('debit-then-timeout');
      expect(home).toContain('/wallet/app/GCASH/normal');
      const httpsUrl = t.sim.httpsUrl ?? '';
      const body = await new Promise<string>((resolve, reject) => {
        request(`${httpsUrl}/simulator/public-key`, { rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).toBe(t.sim.publicKeyPem);
    } finally {
      await t.close();
    }
  });

  it('delayed-notification: a later refund notification overtakes the payment notification', async () => {
    const receiver = await startReceiver();
    const t = await startTestSimulator();
    try {
      await control(t, 'POST', 'clients', {
        clientId: TEST_CLIENT_ID,
        publicKeyPem: t.merchant.publicPem,
        notifyUrls: { payment: `${receiver.url}/payment`, refund: `${receiver.url}/refund` },
      });
      const client = alipayClientFor(t);
      const token = await authorizeViaControl(t, client);
      const paid = (await client.pay(payInput(token, '10042'))).data as Json;
      await client.refund({ refundRequestId: uniqueId('r'), paymentId: paid.paymentId, refundAmount: { currency: 'PHP', value: '100' } } as never);
      await waitFor(() => receiver.received.some((r) => r.path === '/refund'));
      expect(receiver.received.some((r) => r.path === '/payment')).toBe(false);
      await control(t, 'POST', 'clock/advance', { seconds: 31 });
      await waitFor(() => receiver.received.some((r) => r.path === '/payment'));
      expect(receiver.received.map((r) => r.path)).toEqual(['/refund', '/payment']);
    } finally {
      await t.close();
      await receiver.close();
    }
  });
});
