import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AlipayKeyError } from './errors';
import { assertKeyPair, isKeyPair, keyFingerprint, loadPrivateKey, loadPublicKey } from './keys';
import { loadSignatureVectors, testKeyPair } from './test-support';

const v = loadSignatureVectors();
const wrap = (label: string, b64: string) =>
  `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

function expectKeyError(fn: () => unknown, code: string, pattern?: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AlipayKeyError);
    expect((e as AlipayKeyError).code).toBe(code);
    if (pattern) expect((e as Error).message).toMatch(pattern);
    return e as AlipayKeyError;
  }
  throw new Error(`expected AlipayKeyError ${code}`);
}

describe('loadPrivateKey', () => {
  const fp = keyFingerprint(loadPublicKey(v.publicKeySpkiBase64));
  it.each([
    ['bare base64 PKCS#8', v.privateKeyPkcs8Base64],
    ['bare base64 PKCS#1', v.privateKeyPkcs1Base64],
    ['PEM PKCS#8', wrap('PRIVATE KEY', v.privateKeyPkcs8Base64)],
    ['PEM PKCS#1', wrap('RSA PRIVATE KEY', v.privateKeyPkcs1Base64)],
    ['PKCS#8 body under the PKCS#1 label (Python SDK habit)', wrap('RSA PRIVATE KEY', v.privateKeyPkcs8Base64)],
    ['PEM with literal \\n escapes (env file)', wrap('PRIVATE KEY', v.privateKeyPkcs8Base64).replace(/\n/g, '\\n')],
    ['PEM with CRLF and indentation', wrap('PRIVATE KEY', v.privateKeyPkcs8Base64).replace(/\n/g, '\r\n  ')],
  ])('accepts %s', (_name, text) => {
    const key = loadPrivateKey(text);
    expect(key.type).toBe('private');
    expect(keyFingerprint(key)).toBe(fp);
  });

  it('refuses an empty string', () => expectKeyError(() => loadPrivateKey('  '), 'EMPTY_KEY'));
  it('refuses garbage', () => expectKeyError(() => loadPrivateKey('not a key!'), 'UNREADABLE_KEY'));
  it('refuses a truncated key', () => expectKeyError(() => loadPrivateKey(v.privateKeyPkcs8Base64.slice(0, 200)), 'UNREADABLE_KEY'));
  it('refuses a PEM without END line', () =>
    expectKeyError(() => loadPrivateKey(`-----BEGIN PRIVATE KEY-----\n${v.privateKeyPkcs8Base64}`), 'UNREADABLE_KEY'));

  it('says so when a public key is pasted into the private slot, with its fingerprint', () => {
    expectKeyError(() => loadPrivateKey(v.publicKeySpkiBase64), 'PUBLIC_KEY_IN_PRIVATE_SLOT', new RegExp(fp.replace(/[+/]/g, '.')));
  });

  it('refuses RSA-1024', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expectKeyError(() => loadPrivateKey(pem), 'KEY_TOO_SMALL', /RSA-1024/);
  });

  it('refuses non-RSA keys', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectKeyError(() => loadPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), 'NOT_RSA');
  });

  it('refuses encrypted keys with a clear message', () => {
    const { privateKey } = testKeyPair();
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
    expectKeyError(() => loadPrivateKey(pem), 'ENCRYPTED_KEY');
  });
});

describe('loadPublicKey', () => {
  it('accepts bare base64 SPKI and PEM SPKI', () => {
    const a = loadPublicKey(v.publicKeySpkiBase64);
    const b = loadPublicKey(wrap('PUBLIC KEY', v.publicKeySpkiBase64));
    expect(keyFingerprint(a)).toBe(keyFingerprint(b));
    expect(a.type).toBe('public');
  });

  it('accepts PKCS#1 RSA PUBLIC KEY', () => {
    const pem = testKeyPair().publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect(keyFingerprint(loadPublicKey(pem))).toBe(keyFingerprint(testKeyPair().publicKey));
  });

  it('says so when a private key is pasted into the public slot, without echoing it', () => {
    const err = expectKeyError(() => loadPublicKey(v.privateKeyPkcs8Base64), 'PRIVATE_KEY_IN_PUBLIC_SLOT');
    expect(err.message).not.toContain(v.privateKeyPkcs8Base64.slice(40, 80));
    expectKeyError(() => loadPublicKey(wrap('RSA PRIVATE KEY', v.privateKeyPkcs1Base64)), 'PRIVATE_KEY_IN_PUBLIC_SLOT');
  });

  it('refuses RSA-1024 public keys', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expectKeyError(() => loadPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString()), 'KEY_TOO_SMALL');
  });
});

describe('keyFingerprint / assertKeyPair', () => {
  it('gives the same fingerprint for a private key and its public half', () => {
    const priv = loadPrivateKey(v.privateKeyPkcs1Base64);
    const pub = loadPublicKey(v.publicKeySpkiBase64);
    expect(keyFingerprint(priv)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyFingerprint(priv)).toBe(keyFingerprint(pub));
    expect(isKeyPair(priv, pub)).toBe(true);
    expect(() => assertKeyPair(priv, pub)).not.toThrow();
  });

  it('reports a mismatched pair with both fingerprints', () => {
    const priv = loadPrivateKey(v.privateKeyPkcs8Base64);
    const other = testKeyPair('other').publicKey;
    const err = expectKeyError(() => assertKeyPair(priv, other), 'KEY_PAIR_MISMATCH');
    expect(err.message).toContain(keyFingerprint(priv));
    expect(err.message).toContain(keyFingerprint(other));
  });
});
