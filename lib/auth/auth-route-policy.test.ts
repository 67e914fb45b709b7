import { describe, expect, it } from 'vitest';
import { isAuthBodyAcceptable, isAuthRouteAllowed, logSafe } from './auth-route-policy';

describe('next-auth route allow-list', () => {
  it('refuses the anonymous client log endpoint that let anyone write into the server log', () => {
    expect(isAuthRouteAllowed('POST', ['_log'])).toBe(false);
    expect(isAuthRouteAllowed('GET', ['_log'])).toBe(false);
  });

  it('allows what the sign-in form and sign-out button use, and nothing else', () => {
    expect(isAuthRouteAllowed('GET', ['csrf'])).toBe(true);
    expect(isAuthRouteAllowed('POST', ['callback', 'credentials'])).toBe(true);
    expect(isAuthRouteAllowed('POST', ['signout'])).toBe(true);
    expect(isAuthRouteAllowed('POST', ['callback', 'github'])).toBe(false);
    expect(isAuthRouteAllowed('TRACE', ['csrf'])).toBe(false);
    expect(isAuthRouteAllowed('GET', ['callback', 'credentials', 'x'])).toBe(false);
  });

  it('accepts only form bodies on POST (malformed JSON used to reach next-auth and answer 500)', () => {
    expect(isAuthBodyAcceptable('POST', 'application/json')).toBe(false);
    expect(isAuthBodyAcceptable('POST', null)).toBe(false);
    expect(isAuthBodyAcceptable('POST', 'application/x-www-form-urlencoded;charset=UTF-8')).toBe(true);
    expect(isAuthBodyAcceptable('GET', null)).toBe(true);
  });

  it('logs one bounded line whatever a caller sends', () => {
    const line = logSafe('CLIENT_ERROR\n[auth] forged line\r\u2028' + 'x'.repeat(60_000));
    expect(line).not.toMatch(/[\n\r\u2028]/);
    expect(line.length).toBeLessThanOrEqual(120);
  });
});
