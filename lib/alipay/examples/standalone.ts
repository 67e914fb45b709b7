/**
 * lib/alipay used alone, in a plain Node script: `npx tsx lib/alipay/examples/standalone.ts`.
 *
 * To stay self-contained it starts a throw-away "Antom" on 127.0.0.1 built from the same module's
 * signing helpers; point `gatewayUrl` at https://open-sea-global.alipay.com (and use your real
 * keys) to talk to Antom instead.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NOTIFICATION_ACK_BODY,
  buildSignContent,
  constructNotification,
  createAlipayClient,
  describeResult,
  formatSignatureHeader,
  signContent,
  signNotification,
} from '../index';
import { formatAmount, moneyToWire, parseAmount } from '../../money';

const pem = (k: import('node:crypto').KeyObject, type: 'pkcs8' | 'spki') => k.export({ format: 'pem', type }).toString();
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const antom = generateKeyPairSync('rsa', { modulusLength: 2048 });

// --- a minimal stand-in for Antom: answers every call with a signed SUCCESS ---------------------------
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const request = JSON.parse(body) as Record<string, unknown>;
    const answer = JSON.stringify({
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' },
      paymentRequestId: request['paymentRequestId'],
      paymentId: '202611251940108001001882C0201234567',
      paymentAmount: request['paymentAmount'],
    });
    const clientId = String(req.headers['client-id']);
    const responseTime = new Date().toISOString();
    const signature = signContent(buildSignContent({ method: 'POST', path: req.url ?? '', clientId, time: responseTime, body: answer }), antom.privateKey);
    res.writeHead(200, {
      'content-type': 'application/json; charset=UTF-8',
      'client-id': clientId,
      'response-time': responseTime,
      signature: formatSignatureHeader({ keyVersion: 1, signature }),
    });
    res.end(answer);
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as AddressInfo;

// --- the merchant side: this is all an integration needs -----------------------------------------------
const alipay = createAlipayClient({
  gatewayUrl: `http://127.0.0.1:${port}`,
  clientId: 'SANDBOX_5YEZ2N2YEB4Y06789', // SANDBOX_ → /ams/sandbox/api/... is called and signed
  merchantPrivateKey: pem(merchant.privateKey, 'pkcs8'), // PEM or bare base64, PKCS#8 or PKCS#1
  alipayPublicKey: pem(antom.publicKey, 'spki'),
  keyVersion: 1,
  timeoutMs: 5_000,
  observer: (e) => console.log(`[api_calls] ${e.endpoint} #${e.attempt} ${e.response?.status ?? '-'} ${e.durationMs} ms ${e.request.body}`),
});

const amount = parseAmount('300.00', 'PHP'); // 30000n minor units, never a float
const paid = await alipay.pay({
  paymentRequestId: `pay_${Date.now()}`,
  paymentAmount: moneyToWire({ currency: 'PHP', minor: amount }),
  paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: 'access-token-from-applyToken' },
  order: { referenceOrderId: 'ord_1', orderDescription: 'Monthly plan', orderAmount: moneyToWire({ currency: 'PHP', minor: amount }) },
  paymentNotifyUrl: 'https://merchant.example/api/alipay/notify',
});
console.log(paid.outcome, paid.data.paymentId, formatAmount(amount, 'PHP', 'en-PH'), describeResult(paid.result).meaning);

// --- a notification, as Antom would post it, handled the only safe way: verify raw bytes, then parse ---
const incoming = signNotification({
  path: '/api/alipay/notify',
  clientId: alipay.clientId,
  privateKey: antom.privateKey,
  body: { notifyType: 'PAYMENT_RESULT', result: paid.result, paymentRequestId: paid.data.paymentRequestId, paymentId: paid.data.paymentId, paymentAmount: paid.data.paymentAmount },
});
const { notification } = constructNotification({ path: '/api/alipay/notify', headers: incoming.headers, rawBody: incoming.rawBody, clientId: alipay.clientId, publicKey: antom.publicKey });
console.log('notification', notification.type, 'outcome' in notification ? notification.outcome : '', '→ answer', NOTIFICATION_ACK_BODY);

server.close();
