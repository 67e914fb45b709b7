// Part of the end-to-end seed (scripts/e2e-seed.ts): one SUCCEEDED GCash payment that exists both at the local
// simulator and in the portal's database, for e2e/refunds.spec.ts. The simulator is started here on the same
// data folder, the payment is made with real signed calls (consult → approve → applyToken → pay), and the
// simulator is closed again, which writes its state; `npm start` then loads that state. Not for production data.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAlipayClient } from '../lib/alipay';
import type { Actor } from '../lib/auth/actor';
import { createCustomer } from '../lib/customers/create-customer';
import type { Env } from '../lib/env';
import type { Db } from '../lib/db/client';
import { agreements, payments } from '../lib/db/schema';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';
import { withStandaloneIntent } from '@/lib/intents/insert-standalone-intent';

export async function seedRefundablePayment(db: Db, actor: Actor, config: Pick<Env, 'DATA_DIR' | 'ALIPAY_CLIENT_ID' | 'ALIPAY_KEY_VERSION'>): Promise<void> {
  const dataDir = config.DATA_DIR;
  const keys = ensureDevKeys(path.resolve(dataDir));
  const clientId = config.ALIPAY_CLIENT_ID;
  const secret = randomBytes(16).toString('hex');
  const simulator = await startSimulator({
    port: 0,
    dataDir: path.resolve(dataDir),
    secret,
    simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
    clients: [{ clientId, publicKeyPem: keys.merchantPublicKeyPem, keyVersion: config.ALIPAY_KEY_VERSION, notifyUrls: {} }],
  });
  try {
    const alipay = createAlipayClient({ gatewayUrl: simulator.url, clientId, merchantPrivateKey: keys.merchantPrivateKeyPem, alipayPublicKey: keys.simulatorPublicKeyPem });
    const authState = randomBytes(16).toString('hex');
    await alipay.consult({ customerBelongsTo: 'GCASH', authRedirectUrl: 'http://localhost/authorize/return', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' });
    const approved = await fetch(`${simulator.url}/simulator/authorizations/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ authState, account: 'normal' }),
    });
    const { authCode } = (await approved.json()) as { authCode: string };
    const token = await alipay.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode });
    const paymentRequestId = `e2e_refund_${randomBytes(8).toString('hex')}`;
    const amount = { currency: 'PHP', value: '100000' }; // ₱1,000.00
    const pay = await alipay.pay({
      paymentRequestId,
      paymentAmount: amount,
      paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: token.data.accessToken! },
      order: { referenceOrderId: 'e2e-refund-order', orderDescription: 'Coffee beans, 12 months', orderAmount: amount },
    });
    if (pay.outcome !== 'success' || !pay.data.paymentId) throw new Error(`e2e seed: the simulator did not accept the payment (${pay.result.resultCode})`);

    const customer = await createCustomer(db, actor, { reference: 'e2e-refund', name: 'Juan dela Cruz', country: 'PH', email: undefined, phone: undefined, preferredLanguage: undefined });
    if (!customer.ok) throw new Error(customer.error);
    const [agreement] = await db
      .insert(agreements)
      .values({
        customerId: customer.data.id,
        paymentMethod: 'GCASH',
        status: 'ACTIVE',
        terminalType: 'WEB',
        authStateIndex: randomBytes(16).toString('hex'),
        authStateExpiresAt: new Date(),
        buyerBindingIndex: randomBytes(16).toString('hex'),
        userLoginIdMasked: 'j****@e2e',
      })
      .returning();
    const [payment] = await db
      .insert(payments)
      .values(await withStandaloneIntent(db, {
        agreementId: agreement!.id,
        customerId: customer.data.id,
        paymentMethod: 'GCASH',
        paymentRequestId,
        paymentId: pay.data.paymentId,
        amountMinor: 100_000n,
        currency: 'PHP',
        status: 'SUCCEEDED',
        referenceOrderId: 'e2e-refund-order',
        description: 'Coffee beans, 12 months',
        initiator: 'staff',
        initiatedBy: actor.userId,
        resultCode: 'SUCCESS',
        succeededAt: new Date(),
      }))
      .returning();
    writeFileSync(path.join(dataDir, 'e2e-refund-fixtures.json'), JSON.stringify({ paymentId: payment!.id }, null, 2));
  } finally {
    await simulator.close();
  }
}
