// End-to-end: lib/alipay's client drives the simulator through every endpoint and scenario, with the
// notification receiver verifying each delivery as the portal would.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayClient, type AlipayClient } from '../alipay';
import { amsCall, control, startReceiver, startTestSimulator, TEST_CLIENT_ID, waitFor, type TestSimulator, type Json } from './test-kit';

let t: TestSimulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let client: AlipayClient;

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startTestSimulator({
    clients: [],
  });
  await control(t, 'POST', 'clients', {
    clientId: TEST_CLIENT_ID,
    publicKeyPem: t.merchant.publicPem,
    keyVersion: '1',
    merchantName: 'Daikou Test Shop',
    notifyUrls: {
      payment: `${receiver.url}/api/alipay/notify/payment`,
      refund: `${receiver.url}/api/alipay/notify/refund`,
      authorization: `${receiver.url}/api/alipay/notify/authorization`,
    },
  });
  client = makeClient();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

function makeClient(timeoutMs = 5_000): AlipayClient {
  return createAlipayClient({
    gatewayUrl: t.sim.url,
    clientId: TEST_CLIENT_ID,
    merchantPrivateKey: t.merchant.privatePem,
    alipayPublicKey: t.sim.publicKeyPem,
    timeoutMs,
    maxRetries: 0,
  });
}

let seq = 0;
const id = (p: string) => `${p}-${Date.now()}-${++seq}`;

function received(type: string, match: (body: Json) => boolean) {
  return waitFor(() =>
    receiver.received.find((n) => {
      const body = JSON.parse(n.body);
      return (body.authorizationNotifyType ?? body.notifyType ?? (body.refundStatus ? 'REFUND' : '')) === type && match(body);
    }),
  );
}

/** consult → wallet page → Agree (HTML form) → applyToken; returns the token answer. */
async function authorize(wallet = 'GCASH', account = 'normal') {
  const authState = id('state');
  const consult = await client.consult({
    customerBelongsTo: wallet,
    authRedirectUrl: 'https://merchant.example/return?from=sim',
    scopes: ['AGREEMENT_PAY'],
    authState,
    terminalType: 'WEB',
    ...(wallet === 'PAYPAY' ? { recurringPayment: 'true' } : {}),
  } as never);
  expect(consult.result.resultCode).toBe('SUCCESS');
  const pageUrl = (consult.data as Json).normalUrl as string;
  const agree = await fetch(`${pageUrl}/agree`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `account=${account}`,
    redirect: 'manual',
  });
  expect(agree.status).toBe(303);
  const back = new URL(agree.headers.get('location') ?? '');
  expect(back.searchParams.get('from')).toBe('sim');
  expect(back.searchParams.get('authState')).toBe(authState);
  const authCode = back.searchParams.get('authCode') ?? '';
  const token = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: wallet, authCode } as never);
  expect(token.result.resultCode).toBe('SUCCESS');
  return { authState, authCode, pageUrl, token: token.data as Json };
}

function payBody(token: string, value: string, extra: Record<string, unknown> = {}, wallet = 'GCASH', currency = 'PHP') {
  const paymentRequestId = id('pay');
  return {
    paymentRequestId,
    paymentAmount: { currency, value },
    paymentMethod: { paymentMethodType: wallet, paymentMethodId: token },
    order: { referenceOrderId: id('order'), orderDescription: 'Monthly plan', orderAmount: { currency, value } },
    ...extra,
  } as never;
}

describe('authorization', () => {
  it('consult → wallet page dressed as the wallet → Agree → AUTHCODE_CREATED → applyToken; the code is single-use', async () => {
    const { authState, authCode, pageUrl, token } = await authorize();
    const html = await (await fetch(pageUrl.replace(/\/agree$/, ''))).text();
    expect(html).toContain('already answered');
    const note = await received('AUTHCODE_CREATED', (b) => b.authState === authState);
    const verified = client.verifyNotification({ path: note.path, headers: note.headers as never, rawBody: note.body });
    expect(verified).toBeTruthy();
    expect(JSON.parse(note.body)).toMatchObject({ authCode, result: { resultStatus: 'S' } });
    expect(token.accessToken).toMatch(/^sim_at_/);
    expect(typeof token.accessTokenExpiryTime).toBe('string');
    const again = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode } as never);
    expect(again.result).toMatchObject({ resultCode: 'USED_CODE', resultStatus: 'F' });
  });

  it('the wallet page shows the merchant, the scope, test accounts, in the wallet language', async () => {
    const consult = await client.consult({
      customerBelongsTo: 'KAKAOPAY',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: id('s'),
      terminalType: 'WEB',
    } as never);
    const html = await (await fetch((consult.data as Json).normalUrl)).text();
    expect(html).toContain('lang="ko-KR"');
    expect(html).toContain('Daikou Test Shop');
    expect(html).toContain('AGREEMENT_PAY');
    expect(html).toMatch(/<label for="account">/);
    expect(html).toContain('value="frozen"');
  });

  it('APP terminals get applinkUrl and schemeUrl; WAP without osType is PARAM_ILLEGAL', async () => {
    const app = await client.consult({
      customerBelongsTo: 'GCASH',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: id('s'),
      terminalType: 'APP',
      osType: 'ANDROID',
    } as never);
    expect(app.data).toMatchObject({ applinkUrl: expect.stringContaining('/wallet/authorize/'), schemeUrl: expect.stringMatching(/^gcashsim:\/\//) });
    const wap = await amsCall(t, 'authorizations/consult', {
      customerBelongsTo: 'GCASH',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: 'x',
      terminalType: 'WAP',
    });
    expect(wap.json.result).toMatchObject({ resultCode: 'PARAM_ILLEGAL' });
    expect(wap.json.result.resultMessage).toMatch(/^osType/);
  });

  it('Decline returns to authRedirectUrl without a code', async () => {
    const consult = await client.consult({
      customerBelongsTo: 'GCASH',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: 'declined-state',
      terminalType: 'WEB',
    } as never);
    const res = await fetch(`${(consult.data as Json).normalUrl}/decline`, { method: 'POST', redirect: 'manual', body: '' });
    const loc = new URL(res.headers.get('location') ?? '');
    expect(loc.searchParams.get('authCode')).toBeNull();
    expect(loc.searchParams.get('authState')).toBe('declined-state');
  });

  it('refresh rotates tokens; an expired access token fails pay; the old refresh token is dead', async () => {
    const { token } = await authorize('GCASH', 'short-token');
    await control(t, 'POST', 'clock/advance', { seconds: 180 });
    const expired = await client.pay(payBody(token.accessToken, '10000'));
    expect(expired.result.resultCode).toBe('INVALID_ACCESS_TOKEN');
    const refreshed = await client.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: 'GCASH', refreshToken: token.refreshToken } as never);
    expect(refreshed.result.resultCode).toBe('SUCCESS');
    const fresh = refreshed.data as Json;
    expect(fresh.refreshToken).not.toBe(token.refreshToken);
    const reused = await client.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: 'GCASH', refreshToken: token.refreshToken } as never);
    expect(reused.result.resultCode).toBe('INVALID_REFRESH_TOKEN');
    expect((await client.pay(payBody(fresh.accessToken, '10000'))).result.resultCode).toBe('SUCCESS');
    const q = await client.queryToken({ accessToken: fresh.accessToken } as never);
    expect((q.data as Json).tokenStatusType).toBe('ENABLED');
  });

  it('merchant revoke → TOKEN_CANCELED; pay and revoke afterwards → INVALID_ACCESS_TOKEN', async () => {
    const { token } = await authorize();
    expect((await client.revoke({ accessToken: token.accessToken } as never)).result.resultCode).toBe('SUCCESS');
    await received('TOKEN_CANCELED', (b) => b.accessToken === token.accessToken);
    expect((await client.pay(payBody(token.accessToken, '10000'))).result.resultCode).toBe('INVALID_ACCESS_TOKEN');
    expect((await client.revoke({ accessToken: token.accessToken } as never)).result.resultCode).toBe('INVALID_ACCESS_TOKEN');
  });

  it('wallet-side revoke from the wallet app page: notified for wallets that notify, silent otherwise', async () => {
    const boost = await authorize('BOOST', 'normal');
    const list = await (await fetch(`${t.sim.url}/wallet/app/BOOST/normal`)).text();
    expect(list).toContain('action="/wallet/app/BOOST/normal/revoke"');
    const auth = (await control(t, 'GET', 'authorizations')).json.authorizations.find((a: Json) => a.accessToken === boost.token.accessToken);
    const res = await fetch(`${t.sim.url}/wallet/app/BOOST/normal/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `authorizationId=${auth.id}`,
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    await received('TOKEN_CANCELED', (b) => b.accessToken === boost.token.accessToken);

    const gcash = await authorize('GCASH', 'normal');
    const r = await control(t, 'POST', 'authorizations/revoke', { accessToken: gcash.token.accessToken });
    expect(r.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received.some((n) => n.body.includes(gcash.token.accessToken))).toBe(false);
    expect((await client.pay(payBody(gcash.token.accessToken, '10000'))).result.resultCode).toBe('INVALID_ACCESS_TOKEN');
  });

  it('control API approves without a browser', async () => {
    const authState = id('ctl');
    await client.consult({ customerBelongsTo: 'TNG', authRedirectUrl: 'https://m.example/r', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
    const ok = await control(t, 'POST', 'authorizations/approve', { authState, account: 'frozen' });
    expect(ok.json.redirectUrl).toContain('authCode=');
    const token = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'TNG', authCode: ok.json.authCode } as never);
    const pay = await client.pay(payBody((token.data as Json).accessToken, '1000', {}, 'TNG', 'MYR'));
    expect(pay.result.resultCode).toBe('USER_STATUS_ABNORMAL');
  });
});

describe('payments', () => {
  let token: string;
  beforeAll(async () => {
    token = (await authorize()).token.accessToken;
  });

  it('pay S, PAYMENT_RESULT S notified, replay idempotent, different body → REPEAT_REQ_INCONSISTENT, inquiry SUCCESS', async () => {
    const body = payBody(token, '30000') as Json;
    const first = await client.pay(body);
    expect(first.result).toMatchObject({ resultCode: 'SUCCESS', resultStatus: 'S' });
    const paymentId = (first.data as Json).paymentId;
    expect((first.data as Json).paymentAmount).toEqual({ currency: 'PHP', value: '30000' });
    const replay = await client.pay(body);
    expect((replay.data as Json).paymentId).toBe(paymentId);
    const changed = await client.pay({ ...body, paymentAmount: { currency: 'PHP', value: '30001' }, order: { ...body.order, orderAmount: { currency: 'PHP', value: '30001' } } });
    expect(changed.result.resultCode).toBe('REPEAT_REQ_INCONSISTENT');
    const note = await received('PAYMENT_RESULT', (b) => b.paymentId === paymentId);
    expect(note.path).toBe('/api/alipay/notify/payment');
    expect(client.verifyNotification({ path: note.path, headers: note.headers as never, rawBody: note.body })).toBeTruthy();
    const inq = await client.inquiryPayment({ paymentId } as never);
    expect(inq.data).toMatchObject({ paymentStatus: 'SUCCESS', paymentRequestId: body.paymentRequestId });
  });

  it('wallet rules: wrong currency, below minimum', async () => {
    expect((await client.pay(payBody(token, '30000', {}, 'GCASH', 'USD'))).result.resultCode).toBe('CURRENCY_NOT_SUPPORT');
    const low = await amsCall(t, 'payments/pay', { productCode: 'AGREEMENT_PAYMENT', ...(payBody(token, '1') as object) });
    expect(low.json.result.resultCode).toBe('PARAM_ILLEGAL');
    expect(low.json.result.resultMessage).toMatch(/^paymentAmount\.value/);
  });

  it('paymentExpiryTime more than a minute ahead → PARAM_ILLEGAL', async () => {
    const r = await amsCall(t, 'payments/pay', {
      productCode: 'AGREEMENT_PAYMENT',
      ...(payBody(token, '30000', { paymentExpiryTime: new Date(Date.now() + 5 * 60_000).toISOString() }) as object),
    });
    expect(r.json.result.resultMessage).toMatch(/^paymentExpiryTime/);
  });

  it.each([
    ['051', 'USER_BALANCE_NOT_ENOUGH'],
    ['052', 'RISK_REJECT'],
    ['053', 'USER_STATUS_ABNORMAL'],
  ])('amount suffix %s → F %s, notified', async (suffix, code) => {
    const r = await client.pay(payBody(token, `10${suffix}`));
    expect(r.result).toMatchObject({ resultCode: code, resultStatus: 'F' });
    await received('PAYMENT_RESULT', (b) => b.paymentRequestId === (r.data as Json).paymentRequestId && b.result.resultCode === code);
  });

  it('PAYMENT_IN_PROCESS then success / failure after N seconds (clock advanced)', async () => {
    const ok = await client.pay(payBody(token, '10061'));
    const ko = await client.pay(payBody(token, '10062'));
    expect(ok.result).toMatchObject({ resultCode: 'PAYMENT_IN_PROCESS', resultStatus: 'U' });
    expect((await client.inquiryPayment({ paymentId: (ok.data as Json).paymentId } as never)).data).toMatchObject({ paymentStatus: 'PROCESSING' });
    await control(t, 'POST', 'clock/advance', { seconds: 6 });
    expect((await client.inquiryPayment({ paymentId: (ok.data as Json).paymentId } as never)).data).toMatchObject({ paymentStatus: 'SUCCESS' });
    expect((await client.inquiryPayment({ paymentId: (ko.data as Json).paymentId } as never)).data).toMatchObject({ paymentStatus: 'FAIL' });
    await received('PAYMENT_RESULT', (b) => b.paymentId === (ok.data as Json).paymentId && b.result.resultStatus === 'S');
  });

  it('in process until expiry: cancel wins; otherwise closed at one minute', async () => {
    const a = await client.pay(payBody(token, '10063'));
    const b = await client.pay(payBody(token, '20063'));
    const c = await client.cancel({ paymentId: (a.data as Json).paymentId } as never);
    expect(c.result.resultCode).toBe('SUCCESS');
    await control(t, 'POST', 'clock/advance', { seconds: 61 });
    expect((await client.inquiryPayment({ paymentId: (a.data as Json).paymentId } as never)).data).toMatchObject({ paymentStatus: 'CANCELLED' });
    expect((await client.inquiryPayment({ paymentId: (b.data as Json).paymentId } as never)).data).toMatchObject({ paymentStatus: 'FAIL', paymentResultCode: 'ORDER_IS_CLOSED' });
  });

  it('debit then timeout: the client times out, the money moved once, the replay answers SUCCESS', async () => {
    const body = payBody(token, '10071') as Json;
    const impatient = makeClient(300);
    await expect(impatient.pay(body)).rejects.toThrow();
    const replay = await client.pay(body);
    expect(replay.result.resultCode).toBe('SUCCESS');
    const ledger = (await control(t, 'GET', `ledger?clientId=${TEST_CLIENT_ID}`)).json.entries.filter((e: Json) => e.paymentRequestId === body.paymentRequestId);
    expect(ledger).toHaveLength(1);
  });

  it('UNKNOWN_EXCEPTION and rate limiting once per request id, then the identical retry succeeds', async () => {
    for (const [suffix, code] of [['081', 'UNKNOWN_EXCEPTION'], ['082', 'REQUEST_TRAFFIC_EXCEED_LIMIT']] as const) {
      const body = payBody(token, `10${suffix}`);
      expect((await client.pay(body)).result).toMatchObject({ resultCode: code, resultStatus: 'U' });
      expect((await client.pay(body)).result.resultCode).toBe('SUCCESS');
    }
    const limited = await amsCall(t, 'payments/inquiryPayment', { paymentId: 'x' }, { headers: { 'x-simulator-scenario': 'rate-limited' } });
    expect(limited.json.result.resultCode).toBe('REQUEST_TRAFFIC_EXCEED_LIMIT');
  });

  it('test accounts: low balance fails beyond its balance, risk-rejected always fails', async () => {
    const low = (await authorize('GCASH', 'low-balance')).token.accessToken;
    expect((await client.pay(payBody(low, '800'))).result.resultCode).toBe('SUCCESS');
    expect((await client.pay(payBody(low, '800'))).result.resultCode).toBe('USER_BALANCE_NOT_ENOUGH');
    const risky = (await authorize('GCASH', 'risk-rejected')).token.accessToken;
    expect((await client.pay(payBody(risky, '10000'))).result.resultCode).toBe('RISK_REJECT');
  });

  it('duplicate notification scenario delivers PAYMENT_RESULT three times', async () => {
    const r = await client.pay(payBody(token, '10041'));
    const pid = (r.data as Json).paymentId;
    await waitFor(() => receiver.received.filter((n) => n.body.includes(pid)).length === 3);
  });
});

describe('cancel and refund', () => {
  let token: string;
  beforeAll(async () => {
    token = (await authorize()).token.accessToken;
  });

  it('partial and multiple refunds up to the amount; then cancel is refused', async () => {
    const paid = await client.pay(payBody(token, '10000'));
    const paymentId = (paid.data as Json).paymentId;
    const r1 = await client.refund({ refundRequestId: id('r'), paymentId, refundAmount: { currency: 'PHP', value: '3000' } } as never);
    expect(r1.result.resultCode).toBe('SUCCESS');
    const r2 = await client.refund({ refundRequestId: id('r'), paymentId, refundAmount: { currency: 'PHP', value: '7000' } } as never);
    expect(r2.result.resultCode).toBe('SUCCESS');
    const r3 = await client.refund({ refundRequestId: id('r'), paymentId, refundAmount: { currency: 'PHP', value: '100' } } as never);
    expect(r3.result.resultCode).toBe('REFUND_AMOUNT_EXCEED');
    await received('REFUND', (b) => b.refundId === (r1.data as Json).refundId && b.refundStatus === 'SUCCESS');
    const inq = await client.inquiryRefund({ refundId: (r2.data as Json).refundId } as never);
    expect(inq.data).toMatchObject({ refundStatus: 'SUCCESS' });
    expect((await client.cancel({ paymentId } as never)).result.resultCode).toBe('PROCESS_FAIL');
  });

  it('refund scenarios: failure, in process then success', async () => {
    const paid = await client.pay(payBody(token, '50000'));
    const paymentId = (paid.data as Json).paymentId;
    const f = await client.refund({ refundRequestId: id('r'), paymentId, refundAmount: { currency: 'PHP', value: '1091' } } as never);
    expect(f.result).toMatchObject({ resultCode: 'MERCHANT_BALANCE_NOT_ENOUGH', resultStatus: 'F' });
    const u = await client.refund({ refundRequestId: id('r'), paymentId, refundAmount: { currency: 'PHP', value: '1092' } } as never);
    expect(u.result).toMatchObject({ resultCode: 'REFUND_IN_PROCESS', resultStatus: 'U' });
    await control(t, 'POST', 'clock/advance', { seconds: 6 });
    expect((await client.inquiryRefund({ refundId: (u.data as Json).refundId } as never)).data).toMatchObject({ refundStatus: 'SUCCESS' });
  });

  it('cancel of a paid payment returns the money; cancel is idempotent; window closes at 00:15 GMT+8 on T+1', async () => {
    const paid = await client.pay(payBody(token, '10000'));
    const paymentId = (paid.data as Json).paymentId;
    const c1 = await client.cancel({ paymentId } as never);
    const c2 = await client.cancel({ paymentId } as never);
    expect(c1.result.resultCode).toBe('SUCCESS');
    expect((c2.data as Json).cancelTime).toBe((c1.data as Json).cancelTime);
    const ledger = (await control(t, 'GET', 'ledger')).json.entries.filter((e: Json) => e.paymentId === paymentId);
    expect(ledger.map((e: Json) => e.kind)).toEqual(['DEBIT', 'CANCEL_REVERSAL']);
    const late = await client.pay(payBody(token, '10000'));
    await control(t, 'POST', 'clock/advance', { seconds: 2 * 24 * 3600 });
    expect((await client.cancel({ paymentId: (late.data as Json).paymentId } as never)).result.resultCode).toBe('CANCEL_WINDOW_EXCEED');
  });
});

describe('edges', () => {
  it('an expired consult page answers 410 and cannot be approved', async () => {
    const consult = await client.consult({
      customerBelongsTo: 'GCASH',
      authRedirectUrl: 'https://merchant.example/return',
      scopes: ['AGREEMENT_PAY'],
      authState: 'late-state',
      terminalType: 'WEB',
    } as never);
    await control(t, 'POST', 'clock/advance', { seconds: 31 * 60 });
    const pageRes = await fetch((consult.data as Json).normalUrl);
    expect(pageRes.status).toBe(410);
    expect(await pageRes.text()).toContain('expired');
    const approve = await control(t, 'POST', 'authorizations/approve', { authState: 'late-state' });
    expect(approve.status).toBe(400);
  });

  it('refund: same id with another amount → REPEAT_REQ_INCONSISTENT; inquiryPayment lists the refund', async () => {
    const { token } = await authorize();
    const paymentId = ((await client.pay(payBody(token.accessToken, '10000'))).data as Json).paymentId;
    const refundRequestId = id('r');
    const first = await client.refund({ refundRequestId, paymentId, refundAmount: { currency: 'PHP', value: '500' } } as never);
    const again = await client.refund({ refundRequestId, paymentId, refundAmount: { currency: 'PHP', value: '500' } } as never);
    expect((again.data as Json).refundId).toBe((first.data as Json).refundId);
    const other = await client.refund({ refundRequestId, paymentId, refundAmount: { currency: 'PHP', value: '600' } } as never);
    expect(other.result.resultCode).toBe('REPEAT_REQ_INCONSISTENT');
    const inq = (await client.inquiryPayment({ paymentId } as never)).data as Json;
    expect(inq.transactions).toEqual([
      expect.objectContaining({ transactionType: 'REFUND', transactionStatus: 'SUCCESS', transactionRequestId: refundRequestId, transactionAmount: { currency: 'PHP', value: '500' } }),
    ]);
  });
});

describe('customs', () => {
  it('declare an Alipay CN payment; status progresses WAITING_FOR_PROCESSING → SUCCESS', async () => {
    const token = (await authorize('ALIPAY_CN')).token.accessToken;
    const paid = await client.pay(payBody(token, '10000', {}, 'ALIPAY_CN', 'CNY'));
    const paymentId = (paid.data as Json).paymentId;
    const declarationRequestId = `d${Date.now()}`.slice(0, 32);
    const d = await client.declare({
      declarationRequestId,
      paymentId,
      declarationAmount: { currency: 'CNY', value: '10000' },
      customs: { customsCode: 'ZONGSHU', region: 'CN' },
      merchantCustomsInfo: { merchantCustomsCode: 'MC1', merchantCustomsName: 'Shop' },
      splitOrder: false,
    } as never);
    expect(d.result.resultCode).toBe('SUCCESS');
    const q1 = await client.inquiryDeclarationRequests({ declarationRequestIds: [declarationRequestId, 'unknown-id'] } as never);
    expect((q1.data as Json).declarationRecords[0].declarationRequestStatus).toBe('WAITING_FOR_PROCESSING');
    expect((q1.data as Json).declarationRequestsNotFound).toEqual(['unknown-id']);
    await control(t, 'POST', 'clock/advance', { seconds: 31 });
    const q2 = await client.inquiryDeclarationRequests({ declarationRequestIds: [declarationRequestId] } as never);
    expect((q2.data as Json).declarationRecords[0].declarationRequestStatus).toBe('SUCCESS');
  });
});

describe('persistence', () => {
  it('a restart keeps tokens and payments', async () => {
    const { token } = await authorize();
    const paid = await client.pay(payBody(token.accessToken, '10000'));
    const dir = t.dataDir;
    await t.sim.close();
    // A new port: a fresh origin, so no pooled keep-alive socket of the old server is reused.
    const again = await startTestSimulator({}, dir);
    t = {
      ...again,
      close: async () => {
        await again.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    client = makeClient();
    expect((await client.inquiryPayment({ paymentId: (paid.data as Json).paymentId } as never)).data).toMatchObject({ paymentStatus: 'SUCCESS' });
    expect((await client.pay(payBody(token.accessToken, '10000'))).result.resultCode).toBe('SUCCESS');
  });
});
