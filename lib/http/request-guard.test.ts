import { describe, expect, it } from 'vitest';
import { guardActionBody, guardRequest, isActionPost, jsonRefusal, multipartBoundary, SERVER_ACTION_BODY_LIMIT } from './request-guard';

const MULTIPART = 'multipart/form-data; boundary=----x';
const action = (headers: Record<string, string>) => guardRequest({ method: 'POST', url: '/dashboard/customers', headers: { host: 'portal.example', 'next-action': 'abc123', 'content-type': MULTIPART, ...headers } });

describe('guardRequest: a 4xx where Next answered 500', () => {
  it('refuses PUT, PATCH, DELETE and OPTIONS on the JSON routes with 405 (Next answers them with an empty one), not on pages', () => {
    expect(guardRequest({ method: 'POST', url: '/api/v1/openapi.json', headers: {} })).toMatchObject({ status: 405, allow: 'GET, HEAD' });
    for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      for (const url of ['/api/v1/customers', '/api/v1/charges/abc?x=1', '/api/alipay/notify/payment', '/api/health/ready', '/api/metrics']) expect(guardRequest({ method, url, headers: {} })).toMatchObject({ status: 405 });
      expect(guardRequest({ method, url: '/dashboard', headers: {} })).toBeNull();
    }
    expect(JSON.parse(jsonRefusal(405, 'Method not allowed.'))).toEqual({ error: { type: 'invalid_request_error', code: 'method_not_allowed', message: 'Method not allowed.' } });
  });

  it('refuses TRACE, TRACK and CONNECT with 405', () => {
    for (const method of ['TRACE', 'TRACK', 'CONNECT', 'PROPFIND']) expect(guardRequest({ method, url: '/', headers: {} })).toMatchObject({ status: 405 });
  });

  it('refuses malformed %-encoding in any path segment with 400, but not in the query', () => {
    expect(guardRequest({ method: 'GET', url: '/authorize/%E0%A4%A/manage', headers: {} })).toMatchObject({ status: 400 });
    expect(guardRequest({ method: 'GET', url: '/authorize/result/%', headers: {} })).toMatchObject({ status: 400 });
    expect(guardRequest({ method: 'GET', url: '/authorize/abc?x=%', headers: {} })).toBeNull();
  });

  it('refuses a server action from a foreign or null Origin with 403', () => {
    expect(action({ origin: 'https://evil.example', 'content-length': '2' })).toMatchObject({ status: 403 });
    expect(action({ origin: 'null', 'content-length': '2' })).toMatchObject({ status: 403 });
    expect(action({ origin: 'not a url', 'content-length': '2' })).toMatchObject({ status: 403 });
    expect(action({ origin: 'https://portal.example', 'content-length': '2' })).toBeNull();
  });

  it('refuses a server action over 1 MB with 413, and one without a length with 411', () => {
    expect(action({ origin: 'https://portal.example', 'content-length': String(SERVER_ACTION_BODY_LIMIT + 1) })).toMatchObject({ status: 413 });
    expect(action({ origin: 'https://portal.example' })).toMatchObject({ status: 411 });
    expect(action({ origin: 'https://portal.example', 'content-length': '1e9' })).toMatchObject({ status: 400 });
  });

  it('caps buyer form posts before Next buffers them: over 8 KB is 413, chunked (no length) is 411', () => {
    expect(guardRequest({ method: 'POST', url: '/authorize/abc/start', headers: { 'content-length': String(9 * 1024 * 1024) } })).toMatchObject({ status: 413 });
    expect(guardRequest({ method: 'POST', url: '/authorize/abc/manage', headers: { 'transfer-encoding': 'chunked' } })).toMatchObject({ status: 411 });
  });

  it('refuses a NUL anywhere in the URL with 400 (PostgreSQL refused it: a 500 on /dashboard/search?q=%00)', () => {
    expect(guardRequest({ method: 'GET', url: '/dashboard/search?q=%00', headers: {} })).toMatchObject({ status: 400 });
    expect(guardRequest({ method: 'GET', url: '/dashboard/payments?status=a%00b', headers: {} })).toMatchObject({ status: 400 });
  });

  it('refuses action arguments sent as JSON text with 415: every action here takes form data (setLocaleAction given ["x"] was a 500)', () => {
    expect(action({ origin: 'https://portal.example', 'content-length': '5', 'content-type': 'text/plain;charset=UTF-8' })).toMatchObject({ status: 415 });
    expect(action({ origin: 'https://portal.example', 'content-length': '5', 'content-type': 'application/json' })).toMatchObject({ status: 415 });
    expect(action({ origin: 'https://portal.example', 'content-length': '5' })).toBeNull();
  });

  it('refuses a no-JavaScript form post of an action (no Next-Action header) from a foreign Origin with 403', () => {
    const post = (headers: Record<string, string>) => guardRequest({ method: 'POST', url: '/dashboard/customers', headers: { host: 'portal.example', 'content-type': 'application/x-www-form-urlencoded', 'content-length': '40', ...headers } });
    expect(post({ origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(post({ 'sec-fetch-site': 'cross-site' })).toMatchObject({ status: 403 });
    expect(post({ origin: 'https://portal.example' })).toBeNull();
    expect(isActionPost({ method: 'POST', url: '/dashboard/customers', headers: {} })).toBe(true);
    expect(isActionPost({ method: 'POST', url: '/api/alipay/notify/payment', headers: {} })).toBe(false);
    // Antom's notifications are server-to-server: no Origin rule.
    expect(guardRequest({ method: 'POST', url: '/api/alipay/notify/payment', headers: { origin: 'https://evil.example' } })).toBeNull();
  });

  it('answers Next\'s own error page path with 404, not its 500', () => {
    expect(guardRequest({ method: 'GET', url: '/_global-error?from=x', headers: {} })).toMatchObject({ status: 404 });
  });

  it('lets ordinary requests through', () => {
    expect(guardRequest({ method: 'GET', url: '/authorize/abc', headers: {} })).toBeNull();
    expect(guardRequest({ method: 'POST', url: '/authorize/abc/start', headers: { 'content-length': '20' } })).toBeNull();
  });
});

describe('server-action bodies: vetted before Next, which answers malformed ones with a 500', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const part = (name: string, value: string) => `------x\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const whole = part('1_locale', 'en') + part('0', '["$K1"]') + '------x--\r\n';
  const js = (body: string, type = MULTIPART) => guardActionBody({ method: 'POST', url: '/dashboard', headers: { 'next-action': 'abc', 'content-type': type } }, enc(body));
  const noJs = (body: string, type = MULTIPART) => guardActionBody({ method: 'POST', url: '/dashboard', headers: { 'content-type': type } }, enc(body));

  it('reads the boundary, quoted or not', () => {
    expect(multipartBoundary(MULTIPART)).toBe('----x');
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });

  it('refuses a truncated multipart body with 400 saying it is incomplete; a whole one passes', () => {
    expect(js(whole)).toBeNull();
    for (const cut of [whole.slice(0, 40), whole.slice(0, whole.length - 5), '', 'garbage']) expect(js(cut), cut).toMatchObject({ status: 400, message: expect.stringMatching(/incomplete/) });
    expect(js(whole, 'multipart/form-data')).toMatchObject({ status: 400 });
  });

  it('refuses argument lists Next cannot decode: missing, not an array, "$n1e400", unresolvable references', () => {
    for (const bad of [part('1_a', 'x'), part('0', '{"a":1}'), part('0', '"x"'), part('0', '["$n1e400"]'), part('0', '["$@7"]'), part('0', '[{"a":"$Q3"}]'), part('0', '["$B9"]'), part('0', '["$T"]'), part('0', '['.repeat(40) + ']'.repeat(40))]) {
      expect(js(bad + '------x--'), bad).toMatchObject({ status: 400 });
    }
    const file = '------x\r\ncontent-disposition: form-data; name="0"; filename="a.bin"\r\ncontent-type: application/octet-stream\r\n\r\n[null,"$K1"]\r\n';
    for (const bad of [file, part('0', '[null,"$K1"]') + part('0', '[]'), part('0', '[null,"$K1"]') + part('1', '{}')]) expect(js(bad + '------x--'), bad).toMatchObject({ status: 400 });
    for (const ok of [part('0', '[null,"$K1"]'), part('0', '["$n12345678901234567890","$undefined","$$x","$D2026-01-01T00:00:00.000Z","plain"]')]) expect(js(ok + '------x--'), ok).toBeNull();
  });

  it('a no-JavaScript post must carry a whole action reference; an ordinary form passes', () => {
    const ref = part('$ACTION_REF_1', '') + part('$ACTION_1:0', '{"id":"abc123","bound":"$@1"}') + part('$ACTION_1:1', '["$undefined"]') + part('$ACTION_KEY', 'k1') + part('name', 'x');
    expect(noJs(ref + '------x--')).toBeNull();
    expect(noJs(part('$ACTION_REF_1', '') + '------x--')).toMatchObject({ status: 400 });
    expect(noJs(part('$ACTION_REF_1', '') + part('$ACTION_1:0', '{"id":"abc123","bound":"$@1"}') + '------x--')).toMatchObject({ status: 400 });
    expect(noJs(part('$ACTION_ID_zz', '') + '------x--')).toMatchObject({ status: 400 });
    expect(noJs('$ACTION_REF_1=&name=x', 'application/x-www-form-urlencoded')).toMatchObject({ status: 400 });
    expect(noJs('name=x&email=y', 'application/x-www-form-urlencoded')).toBeNull();
  });

  it('SERVER_ACTION_BODY_LIMIT is Next\'s own 1 MB', () => {
    expect(SERVER_ACTION_BODY_LIMIT).toBe(1024 * 1024);
  });
});
