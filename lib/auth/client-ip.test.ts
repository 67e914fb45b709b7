import { describe, expect, it } from 'vitest';
import { normaliseIp, resolveClientIp } from './client-ip';

describe('resolveClientIp', () => {
  it('with no trusted proxy ignores X-Forwarded-For entirely (rotating it must not change who we rate-limit)', () => {
    for (const forwardedFor of ['1.2.3.4', '9.9.9.9, 8.8.8.8', 'evil\nstring', null]) {
      expect(resolveClientIp({ socketIp: '203.0.113.7', forwardedFor, trustedHops: 0 })).toBe('203.0.113.7');
    }
  });

  it('with one trusted proxy takes the right-most X-Forwarded-For entry, not the client-chosen first one', () => {
    expect(resolveClientIp({ socketIp: '10.0.0.2', forwardedFor: '6.6.6.6, 198.51.100.9', trustedHops: 1 })).toBe('198.51.100.9');
    expect(resolveClientIp({ socketIp: '10.0.0.3', forwardedFor: '6.6.6.6, 198.51.100.9, 10.0.0.2', trustedHops: 2 })).toBe('198.51.100.9');
  });

  it('never goes further left than the chain when there are fewer entries than trusted hops', () => {
    expect(resolveClientIp({ socketIp: '198.51.100.1', forwardedFor: null, trustedHops: 3 })).toBe('198.51.100.1');
  });

  it('gives null for anything that is not an IP address (no free text reaches audit rows or Antom)', () => {
    expect(resolveClientIp({ socketIp: '10.0.0.2', forwardedFor: "1.2.3.4' OR 1=1", trustedHops: 1 })).toBeNull();
    expect(resolveClientIp({ socketIp: null, forwardedFor: '1.2.3.4', trustedHops: 1 })).toBeNull();
    expect(normaliseIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normaliseIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normaliseIp('x'.repeat(100))).toBeNull();
  });
});
