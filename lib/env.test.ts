import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

const KEY = Buffer.alloc(32, 7).toString('base64');
const valid = { AUTH_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEY: KEY, TOKEN_INDEX_KEY: KEY };

describe('parseEnv', () => {
  it('fills defaults for the embedded set-up', () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe('.data');
    expect(env.APP_URL).toBe('http://localhost:3000');
    expect(env.ALIPAY_GATEWAY_URL).toBe('http://127.0.0.1:4010');
    expect(env.ALIPAY_TIMEOUT_MS).toBe(15_000);
  });

  it('reports one line per problem, naming the variable and the fix', () => {
    try {
      parseEnv({ TOKEN_ENCRYPTION_KEY: 'short', DATABASE_URL: 'mysql://x', ALIPAY_KEY_VERSION: 'v1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const lines = (error as EnvError).lines;
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^AUTH_SECRET is required but not set$/),
          expect.stringMatching(/^TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64/),
          expect.stringMatching(/^TOKEN_INDEX_KEY is required but not set$/),
          expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
          expect.stringMatching(/^ALIPAY_KEY_VERSION must be a whole number$/),
        ]),
      );
      expect((error as EnvError).message).toContain('.env.example');
    }
  });

  it('treats an empty string as missing', () => {
    expect(() => parseEnv({ ...valid, AUTH_SECRET: '  ' })).toThrow(/AUTH_SECRET is required/);
    expect(parseEnv({ ...valid, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
