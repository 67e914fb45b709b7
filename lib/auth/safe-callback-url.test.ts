import { describe, expect, it } from 'vitest';
import { safeCallbackUrl } from './next-auth-options';

const base = 'https://portal.example.com';

describe('safeCallbackUrl', () => {
  it('keeps relative paths and same-origin URLs', () => {
    expect(safeCallbackUrl('/dashboard/payments', base)).toBe(`${base}/dashboard/payments`);
    expect(safeCallbackUrl(`${base}/dashboard`, base)).toBe(`${base}/dashboard`);
  });
  it.each(['//evil.example', '/\\evil.example', 'https://evil.example/dashboard', 'javascript:alert(1)', 'not a url'])(
    'sends %s to the dashboard instead',
    (url) => {
      expect(safeCallbackUrl(url, base)).toBe(`${base}/dashboard`);
    },
  );
});
