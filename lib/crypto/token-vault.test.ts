import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agreementTokenAad, TokenVault } from './token-vault';

const vault = new TokenVault(randomBytes(32), randomBytes(32));

describe('TokenVault', () => {
  it('round-trips and never stores the plaintext', () => {
    const aad = agreementTokenAad('a1', 'access_token', 1);
    const sealed = vault.seal('28100103_20231228000000_token', aad);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('token');
    expect(vault.open(sealed, aad)).toBe('28100103_20231228000000_token');
    expect(vault.seal('same', aad)).not.toBe(vault.seal('same', aad));
  });

  it('refuses a flipped bit, another row, another field, another key', () => {
    const aad = agreementTokenAad('a1', 'access_token', 1);
    const sealed = vault.seal('secret-token', aad);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[14]! ^= 1;
    expect(() => vault.open(`v1.${raw.toString('base64url')}`, aad)).toThrow();
    expect(() => vault.open(sealed, agreementTokenAad('a2', 'access_token', 1))).toThrow();
    expect(() => vault.open(sealed, agreementTokenAad('a1', 'refresh_token', 1))).toThrow();
    expect(() => new TokenVault(randomBytes(32), randomBytes(32)).open(sealed, aad)).toThrow();
  });

  it('indexes deterministically per purpose', () => {
    expect(vault.index('x', 'authState')).toBe(vault.index('x', 'authState'));
    expect(vault.index('x', 'authState')).not.toBe(vault.index('x', 'authCode'));
  });

  it('refuses equal or short keys', () => {
    const key = randomBytes(32);
    expect(() => new TokenVault(key, key)).toThrow(/must differ/);
    expect(() => new TokenVault(randomBytes(16), randomBytes(32))).toThrow(/32 bytes/);
  });
});
