import { describe, expect, it } from 'vitest';
import { createAlipayClient, type AlipayClientConfig } from './client';
import { AlipayError, AlipayHttpError, AlipayIdempotencyError, AlipayKeyError, AlipayNetworkError, AlipaySignatureError, AlipayValidationError } from './errors';
import { ENDPOINTS } from './endpoints';
import { RETRY_POLICY } from './retry-policy';
import type { AlipayCallEvent } from './transport';
import { OK, fakeGateway, type GatewayReply, type RecordedCall } from './testing-gateway';
import { testKeyPair } from './test-support';

const merchant = testKeyPair('merchant');
const antom = testKeyPair('antom');
const stranger = testKeyPair('stranger');
const TOKEN = '28100103_20215703001000000000000000001';

function setup(reply: (call: RecordedCall, i: number) => GatewayReply | Error | 'hang', extra: Partial<AlipayClientConfig> = {}) {
  const gw = fakeGateway({ merchantPublicKey: merchant.publicKey, antomPrivateKey: antom.privateKey, reply });
  const events: AlipayCallEvent[] = [];
  const client = createAlipayClient({
    gatewayUrl: 'https://open-sea-global.alipay.com',
    clientId: 'SANDBOX_5YEZ2N2YEB4Y06789',
    merchantPrivateKey: merchant.privatePem,
    alipayPublicKey: antom.publicPem,
    keyVersion: 1,
    timeoutMs: 1000,
    retryBaseDelayMs: 0,
    fetch: gw.fetch,
    now: () => 1_764_000_000_000,
    observer: (e) => events.push(e),
    ...extra,
  });
  return { client, calls: gw.calls, events };
}

const payInput = {
  paymentRequestId: 'pay_1',
  paymentAmount: { currency: 'PHP', value: '30000' },
  paymentMethod: { paymentMethodType: 'GCASH' as const, paymentMethodId: TOKEN },
  order: { referenceOrderId: 'ord_1', orderDescription: 'Monthly plan', orderAmount: { currency: 'PHP', value: '30000' } },
};

async function rejects<T extends AlipayError>(p: Promise<unknown>, cls: new (...a: never[]) => T, code?: string): Promise<T> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    if (code) expect((e as AlipayError).code).toBe(code);
    return e as T;
  }
  throw new Error(`expected ${cls.name}`);
}

describe('request signing and sandbox path', () => {
  it('signs the sandbox-rewritten path, with epoch-ms Request-Time and the SDK header format', async () => {
    const { client, calls } = setup(() => ({ body: { result: OK, authUrl: 'https://wallet.example/auth' } }));
    const res = await client.consult({
      customerBelongsTo: 'GCASH',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: 'st_1',
      terminalType: 'WEB',
    });
    expect(res.outcome).toBe('success');
    expect(res.signatureVerified).toBe(true);
    expect(res.data.authUrl).toBe('https://wallet.example/auth');
    const call = calls[0]!;
    expect(call.path).toBe('/ams/sandbox/api/v1/authorizations/consult');
    expect(call.requestSignatureValid).toBe(true);
    expect(call.headers.get('request-time')).toBe('1764000000000');
    expect(call.headers.get('signature')).toMatch(/^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$/);
    expect(call.headers.get('content-type')).toBe('application/json; charset=UTF-8');
  });

  it('keeps the production path for production client ids', async () => {
    const { client, calls } = setup(() => ({ body: { result: OK } }), { clientId: '2188120000000001' });
    await client.revoke({ accessToken: TOKEN });
    expect(calls[0]!.path).toBe(ENDPOINTS.revoke.path);
    expect(client.pathFor('pay')).toBe('/ams/api/v1/payments/pay');
    expect(calls[0]!.requestSignatureValid).toBe(true);
  });

  it('sends booleans as strings and defaults productCode', async () => {
    const { client, calls } = setup(() => ({ body: { result: OK } }));
    await client.consult({
      customerBelongsTo: 'PAYPAY',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: 'st_1',
      terminalType: 'APP',
      osType: 'IOS',
      recurringPayment: true,
    });
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ recurringPayment: 'true' });
    await client.pay(payInput);
    expect(JSON.parse(calls[1]!.body)).toMatchObject({ productCode: 'AGREEMENT_PAYMENT', paymentAmount: { value: '30000' } });
  });

  it('covers every endpoint', async () => {
    const { client, calls } = setup(() => ({ body: { result: OK } }));
    await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode: 'ac_1' });
    await client.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: 'GCASH', refreshToken: 'rt_1' });
    await client.queryToken({ accessToken: TOKEN });
    await client.inquiryPayment({ paymentRequestId: 'pay_1' });
    await client.cancel({ paymentId: 'p_1' });
    await client.refund({ refundRequestId: 'r_1', paymentId: 'p_1', refundAmount: { currency: 'PHP', value: '100' } });
    await client.inquiryRefund({ refundRequestId: 'r_1' });
    await client.declare({
      declarationRequestId: 'd_1',
      paymentId: 'p_1',
      declarationAmount: { currency: 'CNY', value: '100' },
      customs: { customsCode: 'ZONGSHU', region: 'CN' },
      merchantCustomsInfo: { merchantCustomsCode: 'C1', merchantCustomsName: 'Shop' },
      splitOrder: false,
    });
    await client.inquiryDeclarationRequests({ declarationRequestIds: ['d_1'] });
    expect(calls.map((c) => c.path.replace('/ams/sandbox/api/v1/', ''))).toEqual([
      'authorizations/applyToken',
      'authorizations/applyToken',
      'authorizations/query',
      'payments/inquiryPayment',
      'payments/cancel',
      'payments/refund',
      'payments/inquiryRefund',
      'customs/declare',
      'customs/inquiryDeclarationRequests',
    ]);
    expect(calls.every((c) => c.requestSignatureValid)).toBe(true);
  });
});

describe('outgoing validation (nothing is sent)', () => {
  const { client, calls } = setup(() => ({ body: { result: OK } }));
  const bad = async (p: Promise<unknown>, field: string, pattern?: RegExp) => {
    const e = await rejects(p, AlipayValidationError, 'INVALID_REQUEST');
    expect(e.field).toBe(field);
    if (pattern) expect(e.message).toMatch(pattern);
  };
  it('names a missing required field', () => bad(client.pay({ ...payInput, paymentRequestId: undefined as unknown as string }), 'paymentRequestId'));
  it('enforces max lengths', () => bad(client.pay({ ...payInput, paymentRequestId: 'x'.repeat(65) }), 'paymentRequestId', /64/));
  it('requires amounts as minor-unit strings', async () => {
    await bad(client.pay({ ...payInput, paymentAmount: { currency: 'PHP', value: '300.00' } }), 'paymentAmount.value', /minor units/);
    await bad(client.pay({ ...payInput, paymentAmount: { currency: 'PHP', value: 30000 as unknown as string } }), 'paymentAmount.value');
    await bad(client.pay({ ...payInput, paymentAmount: { currency: 'PHP', value: '0' } }), 'paymentAmount.value');
  });
  it('rejects unknown currencies and enums', async () => {
    await bad(client.pay({ ...payInput, paymentAmount: { currency: 'XXX', value: '1' } }), 'paymentAmount.currency');
    await bad(client.pay({ ...payInput, paymentMethod: { paymentMethodType: 'GRABPAY_ID' as 'GCASH', paymentMethodId: TOKEN } }), 'paymentMethod.paymentMethodType');
  });
  it('applies wallet minimums in the wallet currency', () =>
    bad(client.pay({ ...payInput, paymentAmount: { currency: 'PHP', value: '99' } }), 'paymentAmount.value', /minimum/));
  it('rejects unknown fields (typos)', () => bad(client.revoke({ accessToken: TOKEN, acessToken: 'x' } as never), '(body)', /acessToken/));
  it('requires recurringPayment for PayPay', () =>
    bad(
      client.consult({ customerBelongsTo: 'PAYPAY', authRedirectUrl: 'https://m.example/r', scopes: ['AGREEMENT_PAY'], authState: 's', terminalType: 'WEB' }),
      'recurringPayment',
    ));
  it('requires the right credential for each grant type', () =>
    bad(client.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: 'GCASH' } as never), 'refreshToken'));
  it('requires one of the payment ids', () => bad(client.inquiryPayment({}), 'paymentRequestId'));
  it('sent nothing', () => expect(calls).toHaveLength(0));
});

describe('a body serialised before the call (CallOptions.serialized)', () => {
  it('is sent as it is; a copy or another endpoint\'s serialisation is ignored and the input serialised instead', async () => {
    const { client, calls } = setup(() => ({ body: { result: OK, paymentId: 'p_1' } }));
    const made = client.serialize('pay', { productCode: 'AGREEMENT_PAYMENT', ...payInput });
    // The input differs from what was serialised, so the bytes on the wire say which one was used.
    const other = { ...payInput, order: { ...payInput.order, orderDescription: 'Other text' } };
    await client.pay(other, { serialized: made, expectedBodySha256: made.sha256 });
    expect(calls[0]!.body).toBe(made.body);
    expect(calls[0]!.requestSignatureValid).toBe(true);
    // A look-alike object (not made by serialize) is not trusted: the input itself is validated and sent.
    const forged = { ...made, body: made.body.replace('Monthly plan', 'Forged') };
    await client.pay(other, { serialized: forged });
    expect(calls[1]!.body).toContain('Other text');
    // Made for another endpoint: ignored too.
    await client.pay(payInput, { serialized: client.serialize('revoke', { accessToken: TOKEN }) });
    expect(JSON.parse(calls[2]!.body)).toMatchObject({ paymentRequestId: 'pay_1' });
  });

  it('still has to match expectedBodySha256 (nothing is sent otherwise)', async () => {
    const { client, calls } = setup(() => ({ body: { result: OK } }));
    const made = client.serialize('pay', { productCode: 'AGREEMENT_PAYMENT', ...payInput });
    await rejects(client.pay(payInput, { serialized: made, expectedBodySha256: 'f'.repeat(64) }), AlipayIdempotencyError);
    expect(calls).toHaveLength(0);
  });
});

describe('retries (as the retry table allows per operation)', () => {
  const revokeInput = { accessToken: TOKEN };
  const refreshInput = { grantType: 'REFRESH_TOKEN' as const, customerBelongsTo: 'GCASH' as const, refreshToken: 'rt_1' };
  it('retries network errors with the byte-identical body', async () => {
    const { client, calls, events } = setup((_c, i) => (i < 2 ? new TypeError('fetch failed') : { body: { result: OK } }));
    const res = await client.revoke(revokeInput);
    expect(res.attempts).toBe(1 + RETRY_POLICY.revoke.transportRetries);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    expect(calls.every((c) => c.requestSignatureValid)).toBe(true);
    expect(events.map((e) => e.willRetry)).toEqual([true, true, false]);
  });
  it('retries 5xx and gives up with SERVER_ERROR (outcome unknown)', async () => {
    const { client, calls } = setup(() => ({ status: 502, text: 'bad gateway', sign: false }));
    const e = await rejects(client.revoke(revokeInput), AlipayNetworkError, 'SERVER_ERROR');
    expect(e.attempts).toBe(3);
    expect(calls).toHaveLength(3);
  });
  it('does not retry 4xx', async () => {
    const { client, calls } = setup(() => ({ status: 404, text: 'not found', sign: false }));
    await rejects(client.revoke(revokeInput), AlipayHttpError, 'HTTP_ERROR');
    expect(calls).toHaveLength(1);
  });
  it('times out each attempt; the client cap bounds the table', async () => {
    const { client, calls } = setup(() => 'hang', { timeoutMs: 20, maxRetries: 1 });
    await rejects(client.revoke(revokeInput), AlipayNetworkError, 'TIMEOUT');
    expect(calls).toHaveLength(2);
  });
  it('a refresh (REFRESH_TOKEN grant) is sent once: a timeout is never resent with the rotated-out token', async () => {
    const { client, calls } = setup(() => 'hang', { timeoutMs: 20 });
    await rejects(client.applyToken(refreshInput), AlipayNetworkError, 'TIMEOUT');
    expect(calls).toHaveLength(1);
    const five = setup(() => ({ status: 503, text: 'busy', sign: false }));
    await rejects(five.client.applyToken(refreshInput), AlipayNetworkError, 'SERVER_ERROR');
    expect(five.calls).toHaveLength(1);
    expect(RETRY_POLICY['applyToken.refresh'].transportRetries).toBe(0);
  });
  it('pay is never resent by the transport (the resolver owns it); an authCode exchange is', async () => {
    const pay = setup(() => ({ status: 502, text: 'bad gateway', sign: false }));
    await rejects(pay.client.pay(payInput), AlipayNetworkError, 'SERVER_ERROR');
    expect(pay.calls).toHaveLength(1);
    const code = setup(() => ({ status: 502, text: 'bad gateway', sign: false }));
    await rejects(code.client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode: 'c_1' }), AlipayNetworkError, 'SERVER_ERROR');
    expect(code.calls).toHaveLength(1 + RETRY_POLICY.applyToken.transportRetries);
  });
  it('worstCaseCallMs follows the table: a refresh is one timeout, an authCode exchange three plus back-off', () => {
    const { client } = setup(() => 'hang', { timeoutMs: 40_000, retryBaseDelayMs: 250 });
    expect(client.worstCaseCallMs('applyToken.refresh')).toBe(40_000);
    expect(client.worstCaseCallMs('applyToken')).toBe(3 * 40_000 + 250 + 500);
  });
  it('every endpoint has a row in the table', () => {
    for (const name of Object.keys(ENDPOINTS)) expect(RETRY_POLICY).toHaveProperty(name);
  });
  it('does not retry a business failure', async () => {
    const { client, calls } = setup(() => ({ body: { result: { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F', resultMessage: 'x' } } }));
    const res = await client.pay(payInput);
    expect(res.outcome).toBe('failed');
    expect(calls).toHaveLength(1);
  });
  it('returns U as unknown', async () => {
    const { client } = setup(() => ({ body: { result: { resultCode: 'PAYMENT_IN_PROCESS', resultStatus: 'U' }, paymentId: 'p_1' } }));
    expect((await client.pay(payInput)).outcome).toBe('unknown');
  });
});

describe('answer verification (fail closed)', () => {
  it('unsigned S answer is an error', async () => {
    const { client } = setup(() => ({ body: { result: OK }, sign: false }));
    await rejects(client.pay(payInput), AlipaySignatureError, 'UNSIGNED_SUCCESS');
  });
  it('unsigned F answer (e.g. INVALID_SIGNATURE) is returned, flagged unverified', async () => {
    const { client } = setup(() => ({ body: { result: { resultCode: 'INVALID_SIGNATURE', resultStatus: 'F' } }, sign: false }));
    const res = await client.pay(payInput);
    expect(res).toMatchObject({ outcome: 'failed', signatureVerified: false });
  });
  it('tampered answer body', async () => {
    const { client } = setup(() => ({ body: { result: OK, paymentId: 'p_1' }, tamper: (t) => t.replace('p_1', 'p_2') }));
    const e = await rejects(client.pay(payInput), AlipaySignatureError, 'INVALID_SIGNATURE');
    expect(e.message).toContain(client.alipayKeyFingerprint);
  });
  it('answer signed by another key', async () => {
    const { client } = setup(() => ({ body: { result: OK }, signWith: stranger.privateKey }));
    await rejects(client.pay(payInput), AlipaySignatureError, 'INVALID_SIGNATURE');
  });
  it('answer with a malformed Signature header', async () => {
    const { client } = setup(() => ({ body: { result: OK }, headers: { signature: 'algorithm=RSA256,keyVersion=1' } }));
    await rejects(client.pay(payInput), AlipaySignatureError, 'MALFORMED_HEADER');
  });
  it('answer for another client id', async () => {
    const { client } = setup(() => ({ body: { result: OK }, headers: { 'client-id': 'SANDBOX_OTHER' } }));
    await rejects(client.pay(payInput), AlipaySignatureError, 'CLIENT_ID_MISMATCH');
  });
});

describe('observer', () => {
  it('receives redacted request and answer with timing', async () => {
    const { client, events } = setup(() => ({ body: { result: OK, accessToken: 'AT-SECRET-1', refreshToken: 'RT-SECRET-2' } }));
    await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode: 'AUTHCODE-SECRET-3' });
    await client.pay(payInput);
    const dump = JSON.stringify(events);
    for (const secret of ['AT-SECRET-1', 'RT-SECRET-2', 'AUTHCODE-SECRET-3', TOKEN]) expect(dump).not.toContain(secret);
    expect(dump).not.toMatch(/signature=[A-Za-z0-9%]{20}/);
    expect(events[0]).toMatchObject({ endpoint: 'applyToken', attempt: 1, outcome: 'success', signatureVerified: true, willRetry: false });
    expect(events[0]!.request.body).toMatch(/\[redacted:[0-9a-f]{8}\]/);
    expect(typeof events[0]!.durationMs).toBe('number');
  });
  it('a throwing observer does not break the call', async () => {
    const { client } = setup(() => ({ body: { result: OK } }), { observer: () => { throw new Error('logger down'); } });
    expect((await client.revoke({ accessToken: TOKEN })).outcome).toBe('success');
  });
});

describe('configuration checks', () => {
  const base = { gatewayUrl: 'https://x.example', clientId: 'SANDBOX_1', merchantPrivateKey: merchant.privatePem, alipayPublicKey: antom.publicPem };
  it('refuses the merchant own public key in the Alipay slot, with both fingerprints', () => {
    expect(() => createAlipayClient({ ...base, alipayPublicKey: merchant.publicPem })).toThrow(AlipayKeyError);
    try {
      createAlipayClient({ ...base, alipayPublicKey: merchant.publicPem });
    } catch (e) {
      expect((e as AlipayKeyError).code).toBe('OWN_KEY_AS_ALIPAY_KEY');
    }
    expect(() => createAlipayClient({ ...base, alipayPublicKey: merchant.publicPem, allowSharedKeyPair: true })).not.toThrow();
  });
  it('detects a mismatched merchant pair', () => {
    expect(() => createAlipayClient({ ...base, merchantPublicKey: stranger.publicPem })).toThrow(/does not match/);
  });
  it('detects keys in the wrong slot', () => {
    expect(() => createAlipayClient({ ...base, alipayPublicKey: antom.privatePem })).toThrow(/PRIVATE key/);
    expect(() => createAlipayClient({ ...base, merchantPrivateKey: merchant.publicPem })).toThrow(/public key/);
    expect(() => createAlipayClient({ ...base, merchantPrivateKey: merchant.publicKey })).toThrow(AlipayKeyError);
  });
  it('validates gatewayUrl, clientId and keyVersion', () => {
    expect(() => createAlipayClient({ ...base, gatewayUrl: 'open-sea-global.alipay.com' })).toThrow(/absolute URL/);
    expect(() => createAlipayClient({ ...base, clientId: '' })).toThrow(/clientId/);
    expect(() => createAlipayClient({ ...base, keyVersion: 'v1' })).toThrow(/keyVersion/);
  });
});
