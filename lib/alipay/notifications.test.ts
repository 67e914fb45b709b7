import { describe, expect, it } from 'vitest';
import { AlipayResponseError, AlipaySignatureError } from './errors';
import { loadPrivateKey, loadPublicKey } from './keys';
import {
  NOTIFICATION_ACK,
  NOTIFICATION_ACK_BODY,
  constructNotification,
  isNotificationAck,
  parseNotification,
  signNotification,
  verifyNotification,
  type VerifyNotificationInput,
} from './notifications';
import { loadSignatureVectors, testKeyPair } from './test-support';

const antom = testKeyPair('antom');
const stranger = testKeyPair('stranger');
const CLIENT = 'SANDBOX_5YEZ2N2YEB4Y06789';
const PATH = '/api/alipay/notify';

const paymentBody = {
  notifyType: 'PAYMENT_RESULT',
  result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' },
  paymentRequestId: 'pay_1',
  paymentId: '202611251940108001001882C0201234567',
  paymentAmount: { currency: 'KRW', value: '9901' },
  paymentCreateTime: '2026-11-25T12:00:00+09:00',
  paymentTime: '2026-11-25T12:00:02+09:00',
  somethingNew: { nested: true },
};

// Pretty-printed, as some senders serialise: verification must use these exact bytes.
const signed = signNotification({ path: PATH, clientId: CLIENT, privateKey: antom.privateKey, keyVersion: 1, body: JSON.stringify(paymentBody, null, 2), time: '1764000000000' });

function input(over: Partial<VerifyNotificationInput> = {}): VerifyNotificationInput {
  return { path: PATH, headers: signed.headers, rawBody: signed.rawBody, clientId: CLIENT, publicKey: antom.publicKey, ...over };
}

function fails(over: Partial<VerifyNotificationInput>, code: string, pattern?: RegExp) {
  try {
    verifyNotification(input(over));
  } catch (e) {
    expect(e).toBeInstanceOf(AlipaySignatureError);
    expect((e as AlipaySignatureError).code).toBe(code);
    if (pattern) expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected AlipaySignatureError ${code}`);
}

const withHeader = (name: string, value: string | undefined) => {
  const h: Record<string, string> = { ...signed.headers };
  if (value === undefined) delete h[name];
  else h[name] = value;
  return h;
};

describe('verifyNotification — accepts', () => {
  it('a correctly signed notification', () => {
    expect(verifyNotification(input())).toEqual({ clientId: CLIENT, requestTime: '1764000000000', keyVersion: '1' });
  });
  it('mixed-case header names and a fetch Headers object', () => {
    const cased = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), v]));
    expect(() => verifyNotification(input({ headers: cased }))).not.toThrow();
    expect(() => verifyNotification(input({ headers: new Headers(signed.headers) }))).not.toThrow();
  });
  it('spaces after commas in the Signature header (doc examples)', () => {
    expect(() => verifyNotification(input({ headers: withHeader('signature', signed.headers['signature']!.replace(/,/g, ', ')) }))).not.toThrow();
  });
  it('a key map by keyVersion', () => {
    expect(() => verifyNotification(input({ publicKey: { '1': antom.publicKey, '2': stranger.publicKey } }))).not.toThrow();
  });
  it('an ISO Request-Time (older notification style), and the official-SDK vector key', () => {
    const v = loadSignatureVectors();
    const priv = loadPrivateKey(v.privateKeyPkcs1Base64);
    const n = signNotification({ path: '/payNotify', clientId: CLIENT, privateKey: priv, body: '{"a":1}', time: '2019-01-01T01:01:01Z' });
    expect(verifyNotification({ path: '/payNotify', headers: n.headers, rawBody: n.rawBody, publicKey: loadPublicKey(v.publicKeySpkiBase64) }).requestTime).toBe('2019-01-01T01:01:01Z');
  });
});

describe('verifyNotification — every failure mode by name', () => {
  it('missing header', () => {
    fails({ headers: withHeader('signature', undefined) }, 'MISSING_HEADER', /unsigned/);
    fails({ headers: withHeader('request-time', undefined) }, 'MISSING_HEADER', /Request-Time/);
    fails({ headers: withHeader('client-id', undefined) }, 'MISSING_HEADER', /Client-Id/);
  });
  it('malformed header', () => {
    fails({ headers: withHeader('signature', 'algorithm=RSA256;keyVersion=1') }, 'MALFORMED_HEADER');
    fails({ headers: withHeader('signature', 'algorithm=HS256,keyVersion=1,signature=abc') }, 'MALFORMED_HEADER', /UNSUPPORTED_ALGORITHM/);
  });
  it('duplicated header', () => {
    fails({ headers: { ...signed.headers, Signature: signed.headers['signature']! } }, 'DUPLICATE_HEADER');
    const h = new Headers(signed.headers);
    h.append('signature', signed.headers['signature']!);
    fails({ headers: h }, 'MALFORMED_HEADER', /twice/);
  });
  it('unknown keyVersion', () => {
    fails({ headers: withHeader('signature', signed.headers['signature']!.replace('keyVersion=1', 'keyVersion=7')), publicKey: { '1': antom.publicKey } }, 'UNKNOWN_KEY_VERSION', /7/);
    fails({ keyVersion: '2' }, 'UNKNOWN_KEY_VERSION');
  });
  it('tampered body', () => {
    fails({ rawBody: signed.rawBody.replace('9901', '9900') }, 'INVALID_SIGNATURE', /re-serialised or altered/);
  });
  it('re-serialized body', () => {
    fails({ rawBody: JSON.stringify(JSON.parse(signed.rawBody)) }, 'INVALID_SIGNATURE', /raw text/);
  });
  it('parsed object instead of raw body', () => {
    fails({ rawBody: JSON.parse(signed.rawBody) as string }, 'BODY_NOT_RAW');
  });
  it('wrong path', () => {
    fails({ path: '/api/alipay/notify/payment' }, 'INVALID_SIGNATURE', /path/);
    fails({ path: `https://merchant.example${PATH}` }, 'INVALID_SIGNATURE', new RegExp(`valid for path "${PATH}"`));
    fails({ path: `${PATH}/` }, 'INVALID_SIGNATURE', new RegExp(`valid for path "${PATH}"`));
  });
  it('wrong client id', () => {
    fails({ clientId: 'SANDBOX_SOMEONE_ELSE' }, 'CLIENT_ID_MISMATCH');
    // A forged Client-Id header without an expected id still fails: the id is in the signed content.
    fails({ clientId: undefined, headers: withHeader('client-id', 'SANDBOX_SOMEONE_ELSE') }, 'INVALID_SIGNATURE');
  });
  it('other key', () => {
    fails({ publicKey: stranger.publicKey }, 'INVALID_SIGNATURE', /key/);
  });
  it('signature not URL-encoded', () => {
    const raw = signed.headers['signature']!.replace(/signature=(.*)$/, (_m, s: string) => `signature=${decodeURIComponent(s)}`);
    fails({ headers: withHeader('signature', raw) }, 'MALFORMED_HEADER', /URL-encoded/);
  });
  it('truncated signature', () => {
    // Cut whole base64 quanta so the remainder is still well-formed, only short (as a proxy limit would).
    const b64 = decodeURIComponent(signed.headers['signature']!.replace(/^.*signature=/, ''));
    const cut = `algorithm=RSA256,keyVersion=1,signature=${encodeURIComponent(b64.slice(0, 300))}`;
    fails({ headers: withHeader('signature', cut) }, 'TRUNCATED_SIGNATURE', /225 bytes.*256 bytes/);
  });
  it('empty body', () => {
    fails({ rawBody: '' }, 'EMPTY_BODY');
  });
  it('stale Request-Time when a window is configured', () => {
    fails({ maxAgeMs: 300_000, now: () => 1764000000000 + 600_000 }, 'STALE_MESSAGE');
    expect(() => verifyNotification(input({ maxAgeMs: 300_000, now: () => 1764000000000 + 1000 }))).not.toThrow();
  });
});

describe('parseNotification', () => {
  it('parses PAYMENT_RESULT, ignoring unknown fields', () => {
    const n = parseNotification(signed.rawBody);
    expect(n.type).toBe('PAYMENT_RESULT');
    if (n.type !== 'PAYMENT_RESULT') return;
    expect(n.outcome).toBe('success');
    expect(n.paymentAmount).toEqual({ currency: 'KRW', value: '9901' });
    expect('somethingNew' in n).toBe(false);
  });
  it('parses a failed PAYMENT_RESULT', () => {
    const n = parseNotification(JSON.stringify({ ...paymentBody, result: { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F' } }));
    expect(n).toMatchObject({ type: 'PAYMENT_RESULT', outcome: 'failed' });
  });
  it('treats PAYMENT_PENDING as not final', () => {
    expect(parseNotification(JSON.stringify({ ...paymentBody, notifyType: 'PAYMENT_PENDING' }))).toMatchObject({ type: 'PAYMENT_PENDING', outcome: 'unknown' });
  });
  it('parses a refund result (no notifyType)', () => {
    const n = parseNotification(JSON.stringify({ result: paymentBody.result, refundStatus: 'SUCCESS', refundRequestId: 'r_1', refundId: 'R1', refundAmount: { currency: 'KRW', value: '100' } }));
    expect(n).toMatchObject({ type: 'REFUND_RESULT', outcome: 'success', refundId: 'R1' });
  });
  it('parses the authorization notifications', () => {
    const result = { resultCode: 'SUCCESS', resultStatus: 'S' };
    expect(parseNotification(JSON.stringify({ authorizationNotifyType: 'AUTHCODE_CREATED', authCode: 'ac', authState: 'st', result }))).toMatchObject({ type: 'AUTHCODE_CREATED', authCode: 'ac', authState: 'st' });
    expect(parseNotification(JSON.stringify({ authorizationNotifyType: 'TOKEN_CREATED', accessToken: 'at', result }))).toMatchObject({ type: 'TOKEN_CREATED', accessToken: 'at' });
    expect(parseNotification(JSON.stringify({ authorizationNotifyType: 'TOKEN_CANCELED', accessToken: 'at', reason: 'user', result }))).toMatchObject({ type: 'TOKEN_CANCELED', reason: 'user' });
  });
  it('reports unknown types as such', () => {
    expect(parseNotification(JSON.stringify({ notifyType: 'OFFLINE_PAYMENT_CODE', x: 1 }))).toMatchObject({ type: 'UNKNOWN', notifyType: 'OFFLINE_PAYMENT_CODE' });
    expect(parseNotification(JSON.stringify({ authorizationNotifyType: 'TOKEN_EXPIRED', result: paymentBody.result }))).toMatchObject({ type: 'UNKNOWN', notifyType: 'TOKEN_EXPIRED' });
  });
  it('names the missing field of a known type', () => {
    expect(() => parseNotification(JSON.stringify({ ...paymentBody, paymentId: undefined }))).toThrow(/paymentId/);
    expect(() => parseNotification('not json')).toThrow(AlipayResponseError);
    expect(() => parseNotification('[1]')).toThrow(AlipayResponseError);
  });
  it('constructNotification verifies before parsing', () => {
    expect(() => constructNotification(input({ rawBody: signed.rawBody.replace('9901', '1') }))).toThrow(AlipaySignatureError);
    expect(constructNotification(input()).notification.type).toBe('PAYMENT_RESULT');
  });
});

describe('acknowledgement', () => {
  it('is the fixed body of ams-api.md §7.2 byte for byte', () => {
    expect(NOTIFICATION_ACK_BODY).toBe('{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}');
    expect(JSON.stringify(NOTIFICATION_ACK)).toBe(NOTIFICATION_ACK_BODY);
    expect(isNotificationAck(NOTIFICATION_ACK_BODY)).toBe(true);
    expect(isNotificationAck('{"result":{"resultStatus":"F","resultCode":"SUCCESS"}}')).toBe(false);
    expect(isNotificationAck('ok')).toBe(false);
  });
  it('signNotification emits lower-case request-style headers', () => {
    expect(Object.keys(signed.headers).sort()).toEqual(['client-id', 'content-type', 'request-time', 'signature']);
    expect(signed.headers['signature']).toMatch(/^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$/);
  });
});
