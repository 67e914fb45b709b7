import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSigningKeys } from './check-signing-keys';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const merchant = pair();
const antom1 = pair();
const antom2 = pair();

describe('Settings key panel self-test', () => {
  it('a working pair and two Antom keys: all good, rotation announced, fingerprints for each key', () => {
    const check = checkSigningKeys({ merchantPrivateKey: merchant.privateKey, merchantKeyVersion: '1', antomKeys: [{ keyVersion: '1', pem: antom1.publicKey }, { keyVersion: '2', pem: antom2.publicKey }] });
    expect(check.selfTest).toBe('passed');
    expect(check.verdict.map((v) => v.key)).toEqual(['allGood', 'selfTestPassed', 'rotation']);
    expect(check.keys.map((k) => [k.role, k.keyVersion, k.fingerprint?.startsWith('SHA256:'), k.bits])).toEqual([
      ['merchant', '1', true, 2048],
      ['antom', '1', true, 2048],
      ['antom', '2', true, 2048],
    ]);
  });

  it('our own public key pasted as Antom’s is caught (every notification would fail)', () => {
    const check = checkSigningKeys({ merchantPrivateKey: merchant.privateKey, merchantKeyVersion: '1', antomKeys: [{ keyVersion: '1', pem: merchant.publicKey }] });
    expect(check.verdict.map((v) => v.key)).toEqual(['attention', 'selfTestPassed', 'ownKeyAsAntom']);
  });

  it('no keys at all: says nothing can be sent and every notification would be rejected', () => {
    const check = checkSigningKeys({ merchantKeyVersion: '1', antomKeys: [{ keyVersion: '1', pem: undefined }] });
    expect(check.selfTest).toBe('not_configured');
    expect(check.verdict.map((v) => v.key)).toEqual(['attention', 'noMerchantKey', 'noAntomKey']);
  });

  it('an unparsable private key fails the self-test without printing the key', () => {
    const check = checkSigningKeys({ merchantPrivateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', merchantKeyVersion: '1', antomKeys: [{ keyVersion: '1', pem: antom1.publicKey }] });
    expect(check.selfTest).toBe('failed');
    expect(JSON.stringify(check)).not.toContain('AAAA');
  });
});
