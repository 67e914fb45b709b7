import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.resetModules();
  vi.unstubAllEnvs();
});

async function load(extra: Record<string, string>) {
  vi.stubEnv('AUTH_SECRET', 'x'.repeat(32));
  vi.stubEnv('TOKEN_ENCRYPTION_KEY', Buffer.alloc(32, 1).toString('base64'));
  vi.stubEnv('TOKEN_INDEX_KEY', Buffer.alloc(32, 2).toString('base64'));
  for (const [k, v] of Object.entries(extra)) vi.stubEnv(k, v);
  return (await import('./form-action')).formActionSources;
}

describe('CSP form-action', () => {
  it("limits dashboard and sign-in forms to 'self'", async () => {
    const formActionSources = await load({});
    expect(formActionSources('/sign-in')).toBe("form-action 'self'");
    expect(formActionSources('/dashboard/customers')).toBe("form-action 'self'");
  });

  it('lets buyer forms lead on to the gateway (simulator wallet pages) and the configured wallet origins only', async () => {
    // No gateway configured: the local simulator at its default address is the gateway.
    const formActionSources = await load({ BUYER_WALLET_ORIGINS: 'https://m.gcash.com gcash:' });
    expect(formActionSources('/authorize/abc/start')).toBe("form-action 'self' http://127.0.0.1:4010 https://m.gcash.com gcash:");
  });

  it('refuses a BUYER_WALLET_ORIGINS entry that is not an origin or a scheme', async () => {
    const formActionSources = await load({ BUYER_WALLET_ORIGINS: "https://x.com/path 'unsafe-inline'" });
    expect(() => formActionSources('/authorize/x')).toThrow(/BUYER_WALLET_ORIGINS/);
  });
});
