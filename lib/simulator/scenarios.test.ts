// Every row of the scenario table is exercised through lib/alipay's client (a new scenario without a
// case here fails the first test), plus the catalog's wallet rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipayClient } from '../alipay';
import { SCENARIOS, type ScenarioName } from './scenarios';
import {
  alipayClientFor,
  amsCall,
  authorizeViaControl,
  control,
  payInput,
  startReceiver,
  startTestSimulator,
  TEST_CLIENT_ID,
  uniqueId,
  waitFor,
  type Json,
  type TestSimulator,
} from './test-kit';

let t: TestSimulator;
let client: AlipayClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let gcash: string;

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startTestSimulator();
  await control(t, 'POST', 'clients', {
    clientId: TEST_CLIENT_ID,
    publicKeyPem: t.merchant.publicPem,
    notifyUrls: { payment: `${receiver.url}/payment`, refund: `${receiver.url}/refund`, authorization: `${receiver.url}/authorization` },
  });
  client = alipayClientFor(t);
  gcash = await authorizeViaControl(t, client);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const pay = async (value: string, headers?: Record<string, string>) => {
  const input = payInput(gcash, value) as Json;
  if (!headers) return (await client.pay(input)) as Json;
  const r = await amsCall(t, 'payments/pay', { productCode: 'AGREEMENT_PAYMENT', ...input }, { headers });
  return { result: r.json.result, data: r.json };
};
const refund = async (paymentId: string, value: string) =>
  (await client.refund({ refundRequestId: uniqueId('r'), paymentId, refundAmount: { currency: 'PHP', value } } as never)) as Json;
const paidId = async (value = '90000') => ((await client.pay(payInput(gcash, value))).data as Json).paymentId as string;
const advance = (seconds: number) => control(t, 'POST', 'clock/advance', { seconds });
const notificationsFor = (id: string) => receiver.received.filter((n) => n.body.includes(id));

const CASES: Record<ScenarioName, () => Promise<void>> = {
  'insufficient-balance': async () => expect((await pay('10051')).result.resultCode).toBe('USER_BALANCE_NOT_ENOUGH'),
  'risk-reject': async () => expect((await pay('10052')).result.resultCode).toBe('RISK_REJECT'),
  'frozen-user': async () => expect((await pay('10000', { 'x-simulator-scenario': 'frozen-user' })).result.resultCode).toBe('USER_STATUS_ABNORMAL'),
  'in-process-then-success': async () => {
    const r = await pay('10000', { 'x-simulator-scenario': 'in-process-then-success', 'x-simulator-delay-seconds': '20' });
    expect(r.result.resultCode).toBe('PAYMENT_IN_PROCESS');
    await advance(10);
    expect(((await client.inquiryPayment({ paymentId: r.data.paymentId } as never)).data as Json).paymentStatus).toBe('PROCESSING');
    await advance(11);
    expect(((await client.inquiryPayment({ paymentId: r.data.paymentId } as never)).data as Json).paymentStatus).toBe('SUCCESS');
  },
  'in-process-then-fail': async () => {
    const r = await pay('10062');
    await advance(6);
    expect(((await client.inquiryPayment({ paymentId: r.data.paymentId } as never)).data as Json).paymentResultCode).toBe('USER_BALANCE_NOT_ENOUGH');
  },
  'in-process-until-expiry': async () => {
    const r = await pay('10063');
    await advance(61);
    await waitFor(() => notificationsFor(r.data.paymentId).some((n) => n.body.includes('ORDER_IS_CLOSED')));
  },
  'debit-then-timeout': async () => {
    const started = Date.now();
    const r = await pay('10071');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(r.result.resultCode).toBe('SUCCESS');
  },
  'unknown-exception': async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', { paymentId: 'x' }, { headers: { 'x-simulator-scenario': 'unknown-exception' } });
    expect(r.json.result).toMatchObject({ resultCode: 'UNKNOWN_EXCEPTION', resultStatus: 'U' });
  },
  'rate-limited': async () => {
    const id = await paidId();
    const input = { refundRequestId: uniqueId('r'), paymentId: id, refundAmount: { currency: 'PHP', value: '1082' } } as never;
    expect((await client.refund(input)).result.resultCode).toBe('REQUEST_TRAFFIC_EXCEED_LIMIT');
    expect((await client.refund(input)).result.resultCode).toBe('SUCCESS');
  },
  'duplicate-notification': async () => {
    const r = await pay('10041');
    await waitFor(() => notificationsFor(r.data.paymentId).length === 3);
  },
  'delayed-notification': async () => {
    const r = await pay('10042');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notificationsFor(r.data.paymentId)).toHaveLength(0);
    await advance(31);
    await waitFor(() => notificationsFor(r.data.paymentId).length === 1);
  },
  'no-notification': async () => {
    const r = await pay('10043');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notificationsFor(r.data.paymentId)).toHaveLength(0);
  },
  'refund-fail': async () => expect((await refund(await paidId(), '1091')).result.resultCode).toBe('MERCHANT_BALANCE_NOT_ENOUGH'),
  'refund-in-process-then-success': async () => {
    const r = await refund(await paidId(), '1092');
    expect(r.result.resultCode).toBe('REFUND_IN_PROCESS');
    await advance(6);
    await waitFor(() => notificationsFor(r.data.refundId).some((n) => n.body.includes('"refundStatus":"SUCCESS"')));
  },
  'refund-in-process-then-fail': async () => {
    const id = await paidId('5000');
    const r = await refund(id, '1093');
    // The processing refund holds its amount: nothing beyond the remainder can be refunded meanwhile.
    expect((await refund(id, '4000')).result.resultCode).toBe('REFUND_AMOUNT_EXCEED');
    await advance(6);
    expect(((await client.inquiryRefund({ refundId: r.data.refundId } as never)).data as Json).refundStatus).toBe('FAIL');
    expect((await refund(id, '4000')).result.resultCode).toBe('SUCCESS');
  },
  'refund-returned': async () => {
    const id = await paidId('5000');
    const r = await refund(id, '1094');
    expect(r.result.resultCode).toBe('SUCCESS');
    await waitFor(() => notificationsFor(r.data.refundId).some((n) => n.body.includes('"refundStatus":"SUCCESS"')));
    // The wallet sent the money back: a REFUND_REVERSAL in the ledger beside the REFUND.
    const ledger = (await control(t, 'GET', 'ledger')).json as Json;
    const kinds = (ledger.entries as Json[]).filter((e) => e.refundId === r.data.refundId).map((e) => e.kind);
    expect(kinds).toEqual(['REFUND', 'REFUND_REVERSAL']);
  },
  'declaration-fail': async () => {
    const cn = await authorizeViaControl(t, client, 'ALIPAY_CN');
    const paymentId = ((await client.pay(payInput(cn, '10000', 'ALIPAY_CN', 'CNY'))).data as Json).paymentId;
    const declarationRequestId = uniqueId('d').slice(-32);
    const r = await amsCall(
      t,
      'customs/declare',
      {
        declarationRequestId,
        paymentId,
        declarationAmount: { currency: 'CNY', value: '10000' },
        customs: { customsCode: 'ZONGSHU', region: 'CN' },
        merchantCustomsInfo: { merchantCustomsCode: 'MC', merchantCustomsName: 'Shop' },
        splitOrder: 'false',
      },
      { headers: { 'x-simulator-scenario': 'declaration-fail' } },
    );
    expect(r.json.result.resultCode).toBe('SUCCESS');
    await advance(31);
    const q = await client.inquiryDeclarationRequests({ declarationRequestIds: [declarationRequestId] } as never);
    expect((q.data as Json).declarationRecords[0].declarationRequestStatus).toBe('FAIL');
  },
  'refresh-answer-lost': async () => {
    const authState = uniqueId('state');
    await client.consult({ customerBelongsTo: 'GCASH', authRedirectUrl: 'https://m.example/r', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
    const approved = await control(t, 'POST', 'authorizations/approve', { authState, account: 'refresh-answer-lost' });
    const first = (await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode: approved.json.authCode } as never)).data as Json;
    const impatient = alipayClientFor(t, TEST_CLIENT_ID, 500);
    const refresh = (refreshToken: string, c = client) => c.applyToken({ grantType: 'REFRESH_TOKEN', customerBelongsTo: 'GCASH', refreshToken } as never);
    // The first refresh rotates the tokens, but its answer is held past the caller's timeout.
    await expect(refresh(first.refreshToken, impatient)).rejects.toMatchObject({ code: 'TIMEOUT' });
    // The old refresh token is dead now; the query still reports where the tokens stand (the newest refresh token).
    expect((await refresh(first.refreshToken)).result.resultCode).toBe('INVALID_REFRESH_TOKEN');
    const query = (await client.queryToken({ accessToken: first.accessToken } as never)).data as Json;
    expect(query.refreshToken).not.toBe(first.refreshToken);
    // Only the first refresh is lost: the next one, with the newest token, answers at once.
    const next = await refresh(query.refreshToken, impatient);
    expect(next.result.resultCode).toBe('SUCCESS');
  },
};

describe('scenario table', () => {
  it('has a test case for every scenario', () => {
    expect(Object.keys(CASES).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });
  for (const s of SCENARIOS) {
    it(`${s.name} (${s.amountSuffix ? `…${s.amountSuffix}` : 'header'})`, async () => {
      await CASES[s.name]();
    });
  }
});

describe('test accounts', () => {
  it('late-auth-notification: agreeing redirects at once but holds AUTHCODE_CREATED back 30 s', async () => {
    const authState = uniqueId('state');
    await client.consult({ customerBelongsTo: 'GCASH', authRedirectUrl: 'https://m.example/r', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
    const approved = await control(t, 'POST', 'authorizations/approve', { authState, account: 'late-auth-notification' });
    expect(approved.json.redirectUrl).toContain(`authState=${authState}`);
    const forState = () => receiver.received.filter((n) => n.body.includes(authState) && n.body.includes('AUTHCODE_CREATED'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(forState()).toHaveLength(0);
    await advance(31);
    await waitFor(() => forState().length === 1);
    // The code still works: only the notification was late.
    const token = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode: approved.json.authCode } as never);
    expect(token.result.resultCode).toBe('SUCCESS');
  });
});

describe('wallet rules from the catalog', () => {
  it('IDR must be whole rupiah; Kakao Pay refunds under 50 KRW are refused; PayPay consult needs recurringPayment', async () => {
    const dana = await authorizeViaControl(t, client, 'DANA');
    const idr = await amsCall(t, 'payments/pay', { productCode: 'AGREEMENT_PAYMENT', ...(payInput(dana, '1000050', 'DANA', 'IDR') as object) });
    expect(idr.json.result.resultCode).toBe('PARAM_ILLEGAL');
    expect(idr.json.result.resultMessage).toMatch(/^paymentAmount\.value/);
    const kakao = await authorizeViaControl(t, client, 'KAKAOPAY');
    const paid = ((await client.pay(payInput(kakao, '1000', 'KAKAOPAY', 'KRW'))).data as Json).paymentId;
    const small = await amsCall(t, 'payments/refund', { refundRequestId: uniqueId('r'), paymentId: paid, refundAmount: { currency: 'KRW', value: '49' } });
    expect(small.json.result.resultMessage).toMatch(/^refundAmount\.value/);
    const paypay = await amsCall(t, 'authorizations/consult', {
      customerBelongsTo: 'PAYPAY',
      authRedirectUrl: 'https://m.example/r',
      scopes: ['AGREEMENT_PAY'],
      authState: 's',
      terminalType: 'WEB',
    });
    expect(paypay.json.result.resultMessage).toMatch(/^recurringPayment/);
  });
});
