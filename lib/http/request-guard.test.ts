import { describe, expect, it } from 'vitest';
import { guardJsonActionBody, guardRequest, jsonActionBodyLength, SERVER_ACTION_BODY_LIMIT } from './request-guard';

const action = (headers: Record<string, string>) => guardRequest({ method: 'POST', url: '/dashboard/customers', headers: { host: 'portal.example', 'next-action': 'abc123', ...headers } });

describe('guardRequest: a 4xx where Next answered 500', () => {
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

  it('lets ordinary requests through', () => {
    expect(guardRequest({ method: 'GET', url: '/authorize/abc', headers: {} })).toBeNull();
    expect(guardRequest({ method: 'POST', url: '/authorize/abc/start', headers: { 'content-length': '20' } })).toBeNull();
  });
});

describe('server-action JSON bodies: vetted before Next, which answers malformed ones with a 500', () => {
  const input = (headers: Record<string, string>) => ({ method: 'POST', url: '/dashboard/customers', headers: { 'next-action': 'abc123', ...headers } });

  it('applies to text/plain action posts with a declared length only', () => {
    expect(jsonActionBodyLength(input({ 'content-type': 'text/plain;charset=UTF-8', 'content-length': '12' }))).toBe(12);
    expect(jsonActionBodyLength(input({ 'content-type': 'multipart/form-data; boundary=x', 'content-length': '12' }))).toBeNull();
    expect(jsonActionBodyLength({ method: 'POST', url: '/x', headers: { 'content-type': 'text/plain', 'content-length': '12' } })).toBeNull();
    expect(jsonActionBodyLength(input({ 'content-type': 'text/plain', 'content-length': String(SERVER_ACTION_BODY_LIMIT + 1) }))).toBeNull();
  });

  it('refuses what is not JSON, not UTF-8 or not an argument list with 400; lets argument lists through', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    for (const bad of ['', '[', 'not json', '{"a":', '1', '"x"', 'null', 'true']) expect(guardJsonActionBody(enc(bad)), bad).toMatchObject({ status: 400 });
    expect(guardJsonActionBody(Uint8Array.from([0x5b, 0xff, 0x5d]))).toMatchObject({ status: 400 });
    for (const ok of ['[]', '[null,{"name":"x"}]', '{"0":1}']) expect(guardJsonActionBody(enc(ok)), ok).toBeNull();
  });
});
