import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@/lib/env';

const KEY = Buffer.alloc(32, 7).toString('base64');
const valid = { AUTH_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEY: KEY, TOKEN_INDEX_KEY: KEY };
const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

function problems(raw: Record<string, string>): string[] {
  try {
    parseEnv({ ...valid, ...raw });
    return [];
  } catch (error) {
    return (error as EnvError).lines;
  }
}

describe('Antom key rotation settings', () => {
  it('accepts a second key with its own version, and defaults the first key to version 1', () => {
    const env = parseEnv({ ...valid, ALIPAY_PUBLIC_KEY_2: pem, ALIPAY_PUBLIC_KEY_2_VERSION: '2' });
    expect([env.ALIPAY_PUBLIC_KEY_VERSION, env.ALIPAY_PUBLIC_KEY_2_VERSION]).toEqual(['1', '2']);
  });
  it.each([
    [{ ALIPAY_PUBLIC_KEY_2: pem }, /ALIPAY_PUBLIC_KEY_2_VERSION is required/],
    [{ ALIPAY_PUBLIC_KEY_2_VERSION: '2' }, /ALIPAY_PUBLIC_KEY_2 is required/],
    [{ ALIPAY_PUBLIC_KEY_2: pem, ALIPAY_PUBLIC_KEY_2_VERSION: '1' }, /must differ from ALIPAY_PUBLIC_KEY_VERSION/],
    [{ ALIPAY_PUBLIC_KEY_2: 'not a key', ALIPAY_PUBLIC_KEY_2_VERSION: '2' }, /ALIPAY_PUBLIC_KEY_2 is not a usable public key/],
    [{ ALIPAY_PUBLIC_KEY_2_VERSION: 'two', ALIPAY_PUBLIC_KEY_2: pem }, /ALIPAY_PUBLIC_KEY_2_VERSION must be a whole number/],
  ])('refuses %o with a precise line', (raw, line) => {
    expect(problems(raw as Record<string, string>)).toEqual(expect.arrayContaining([expect.stringMatching(line)]));
  });
});
