// Wire-level behaviour of the simulator's AMS front door: bad input never crashes it and always gets an
// Antom-style answer; SDK-style requests (ISO time, header case, sandbox prefix, the official SDK's
// exact bytes from test-data/alipay/signature-vectors.json) are accepted unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSignatureVectors, testKeyPair } from '../alipay/test-support';
import { amsCall, control, startTestSimulator, TEST_CLIENT_ID, verifyAnswer, type TestSimulator, type Json } from './test-kit';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.close();
});

async function raw(path: string, init: RequestInit): Promise<{ status: number; json: Json; text: string }> {
  const res = await fetch(`${t.sim.url}${path}`, init);
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const inquiry = { paymentRequestId: 'nothing-here' };

describe('transport errors answer HTTP 200 with an Antom result', () => {
  it('unknown AMS path → NO_INTERFACE_DEF', async () => {
    const r = await amsCall(t, 'payments/teleport', inquiry);
    expect(r.status).toBe(200);
    expect(r.json.result).toMatchObject({ resultCode: 'NO_INTERFACE_DEF', resultStatus: 'F' });
  });

  it('GET → METHOD_NOT_SUPPORTED', async () => {
    const r = await raw('/ams/api/v1/payments/pay', { method: 'GET' });
    expect(r.status).toBe(200);
    expect(r.json.result.resultCode).toBe('METHOD_NOT_SUPPORTED');
  });

  it('wrong content type → MEDIA_TYPE_NOT_ACCEPTABLE', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, { headers: { 'content-type': 'text/plain' } });
    expect(r.json.result.resultCode).toBe('MEDIA_TYPE_NOT_ACCEPTABLE');
  });

  it('body over 64 KiB → PARAM_ILLEGAL, server still alive', async () => {
    const big = JSON.stringify({ paymentRequestId: 'x', pad: 'a'.repeat(70 * 1024) });
    const r = await amsCall(t, 'payments/inquiryPayment', undefined, { rawBody: big });
    expect(r.json.result.resultCode).toBe('PARAM_ILLEGAL');
    expect(r.json.result.resultMessage).toMatch(/65536/);
    const after = await amsCall(t, 'payments/inquiryPayment', inquiry);
    expect(after.json.result.resultCode).toBe('ORDER_NOT_EXIST');
  });

  it('malformed JSON (validly signed) → PARAM_ILLEGAL', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', undefined, { rawBody: '{"paymentRequestId":' });
    expect(r.json.result).toMatchObject({ resultCode: 'PARAM_ILLEGAL', resultStatus: 'F' });
    expect(r.signed).toBe(true);
  });

  it('JSON that is not an object → PARAM_ILLEGAL', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', undefined, { rawBody: '[1,2]' });
    expect(r.json.result.resultCode).toBe('PARAM_ILLEGAL');
  });

  it('missing Client-Id / Request-Time headers → PARAM_ILLEGAL naming the header', async () => {
    const r = await raw('/ams/api/v1/payments/inquiryPayment', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.json.result.resultCode).toBe('PARAM_ILLEGAL');
    expect(r.json.result.resultMessage).toMatch(/Client-Id/);
  });

  it('unparseable Request-Time → PARAM_ILLEGAL', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, { time: 'yesterday' });
    expect(r.json.result.resultMessage).toMatch(/Request-Time/);
  });

  it('unknown client → INVALID_CLIENT, unsigned', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, { clientId: 'NOBODY' });
    expect(r.json.result.resultCode).toBe('INVALID_CLIENT');
    expect(r.headers.get('signature')).toBeNull();
  });

  it('unknown keyVersion → KEY_NOT_FOUND', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, { keyVersion: '7' });
    expect(r.json.result.resultCode).toBe('KEY_NOT_FOUND');
  });

  it('signature by another key → INVALID_SIGNATURE, unsigned', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, { privateKey: testKeyPair('intruder').privateKey });
    expect(r.json.result).toMatchObject({ resultCode: 'INVALID_SIGNATURE', resultStatus: 'F' });
    expect(r.signed).toBe(false);
  });

  it('signature over a different path (sandbox signed, live sent) → INVALID_SIGNATURE', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, { signPath: '/ams/sandbox/api/v1/payments/inquiryPayment' });
    expect(r.json.result.resultCode).toBe('INVALID_SIGNATURE');
    expect(r.json.result.resultMessage).toMatch(/sandbox/);
  });

  it('missing Signature header → INVALID_SIGNATURE', async () => {
    const r = await raw('/ams/api/v1/payments/inquiryPayment', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'client-id': TEST_CLIENT_ID, 'request-time': String(Date.now()) },
      body: '{}',
    });
    expect(r.json.result.resultCode).toBe('INVALID_SIGNATURE');
  });

  it('missing required field → PARAM_ILLEGAL naming the field', async () => {
    const r = await amsCall(t, 'payments/pay', { productCode: 'AGREEMENT_PAYMENT', paymentRequestId: 'p1' });
    expect(r.json.result.resultCode).toBe('PARAM_ILLEGAL');
    expect(r.json.result.resultMessage).toMatch(/^paymentAmount /);
    expect(r.signed).toBe(true);
  });

  it('a numeric amount value is refused (amounts are strings)', async () => {
    const r = await amsCall(t, 'payments/refund', { refundRequestId: 'r', paymentId: 'p', refundAmount: { currency: 'USD', value: 100 } });
    expect(r.json.result.resultMessage).toMatch(/refundAmount\.value/);
  });

  it('non-AMS unknown path → plain 404 without a stack trace', async () => {
    const r = await raw('/nope', { method: 'GET' });
    expect(r.status).toBe(404);
    expect(r.text).not.toMatch(/at .*\.ts/);
  });
});

describe('SDK-style requests', () => {
  it('accepts ISO 8601 Request-Time, mixed-case headers and the sandbox prefix; answers signed with lowercase headers', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry, {
      time: '2026-11-25T12:00:00+08:00',
      headerCase: 'mixed',
      prefix: '/ams/sandbox/api/v1',
    });
    expect(r.json.result.resultCode).toBe('ORDER_NOT_EXIST');
    expect(r.signed).toBe(true);
    expect(r.headers.get('response-time')).toMatch(/^\d{4}-\d{2}-\d{2}T.*\+08:00$/);
    expect(r.headers.get('signature')).toMatch(/^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$/);
  });

  it('answers in epoch ms when asked in epoch ms', async () => {
    const r = await amsCall(t, 'payments/inquiryPayment', inquiry);
    expect(r.headers.get('response-time')).toMatch(/^\d{13}$/);
  });

  it('accepts a Signature header without keyVersion and with spaces after commas', async () => {
    const noVersion = await amsCall(t, 'payments/inquiryPayment', inquiry, { signatureHeader: (sig) => `algorithm=RSA256, signature=${sig}` });
    expect(noVersion.json.result.resultCode).toBe('ORDER_NOT_EXIST');
    const spaced = await amsCall(t, 'payments/inquiryPayment', inquiry, { signatureHeader: (sig) => `algorithm=RSA256, keyVersion=1, signature=${sig}` });
    expect(spaced.json.result.resultCode).toBe('ORDER_NOT_EXIST');
  });

  it('replays the official SDK vectors byte for byte (signature accepted; tampered rejected)', async () => {
    const v = loadSignatureVectors();
    const clientId = v.cases[0]?.clientId as string;
    const reg = await control(t, 'POST', 'clients', {
      clientId,
      publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${v.publicKeySpkiBase64}\n-----END PUBLIC KEY-----\n`,
      keyVersion: '1',
    });
    expect(reg.status).toBe(200);
    for (const c of v.cases) {
      const res = await fetch(`${t.sim.url}${c.path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Client-Id': c.clientId, 'Request-Time': c.time, Signature: c.signatureHeader },
        body: c.body,
      });
      const text = await res.text();
      const json = JSON.parse(text);
      expect(json.result.resultCode, c.path).not.toMatch(/INVALID_SIGNATURE|KEY_NOT_FOUND|PARAM_ILLEGAL/);
      expect(verifyAnswer(t, c.path, res.headers, text)).toBe(true);
    }
    const tc = v.cases[v.tampered.caseIndex];
    if (!tc) throw new Error('vector missing');
    const res = await fetch(`${t.sim.url}${tc.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'client-id': tc.clientId, 'request-time': tc.time, signature: tc.signatureHeader },
      body: v.tampered.body,
    });
    expect((await res.json()).result.resultCode).toBe('INVALID_SIGNATURE');
  });
});
