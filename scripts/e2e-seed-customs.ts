// For the customs end-to-end test: one real, SUCCEEDED Alipay (China) CNY payment — made at a simulator
// started on the e2e data folder (its state file is what the portal's simulator loads next), and the
// matching row in our ledger (written directly: the charge service is built separately). Test data only.
import path from 'node:path';
import { createAlipayClient } from '../lib/alipay';
import type { Db } from '../lib/db/client';
import { agreements, customers, payments } from '../lib/db/schema';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';
import { withStandaloneIntent } from '@/lib/intents/insert-standalone-intent';

export async function seedCustomsPayment(db: Db, dataDir: string, clientId: string): Promise<{ paymentRequestId: string; referenceOrderId: string }> {
  const dir = path.resolve(dataDir);
  const keys = ensureDevKeys(dir);
  const secret = 'e2e-seed-only';
  const simulator = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    secret,
    simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
    clients: [{ clientId, publicKeyPem: keys.merchantPublicKeyPem, keyVersion: '1', notifyUrls: {} }],
  });
  try {
    const alipay = createAlipayClient({ gatewayUrl: simulator.url, clientId, merchantPrivateKey: keys.merchantPrivateKeyPem, alipayPublicKey: keys.simulatorPublicKeyPem, timeoutMs: 10_000 });
    const authState = `e2e-customs-${Date.now()}`;
    await alipay.consult({ customerBelongsTo: 'ALIPAY_CN', authRedirectUrl: 'https://example.test/return', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
    const approved = (await (
      await fetch(`${simulator.url}/simulator/authorizations/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ authState, account: 'normal' }),
      })
    ).json()) as { authCode: string };
    const token = (await alipay.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'ALIPAY_CN', authCode: approved.authCode } as never)).data as { accessToken: string };
    const paymentRequestId = `e2e-customs-pay-${Date.now()}`;
    const referenceOrderId = 'E2E-CUSTOMS-ORDER';
    const paid = await alipay.pay({
      paymentRequestId,
      paymentAmount: { currency: 'CNY', value: '50000' },
      paymentMethod: { paymentMethodType: 'ALIPAY_CN', paymentMethodId: token.accessToken },
      order: { referenceOrderId, orderDescription: 'Cross-border order', orderAmount: { currency: 'CNY', value: '50000' } },
    } as never);
    const paymentId = (paid.data as { paymentId: string }).paymentId;

    const [customer] = await db.insert(customers).values({ reference: 'e2e-customs', name: 'Li Na', country: 'CN' }).returning({ id: customers.id });
    const [agreement] = await db
      .insert(agreements)
      .values({ customerId: customer!.id, paymentMethod: 'ALIPAY_CN', status: 'ACTIVE', terminalType: 'WEB', authStateIndex: `e2e-customs-${authState}`, authStateExpiresAt: new Date(), buyerBindingIndex: 'e2e-customs' })
      .returning({ id: agreements.id });
    await db.insert(payments).values(await withStandaloneIntent(db, {
      agreementId: agreement!.id,
      customerId: customer!.id,
      paymentMethod: 'ALIPAY_CN',
      paymentRequestId,
      paymentId,
      amountMinor: 50_000n,
      currency: 'CNY',
      status: 'SUCCEEDED',
      referenceOrderId,
      description: 'Cross-border order',
      initiator: 'staff',
      succeededAt: new Date(),
    }));
    return { paymentRequestId, referenceOrderId };
  } finally {
    await simulator.close();
  }
}
