import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AlipaySignatureHeaderError } from './errors';
import { loadPrivateKey, loadPublicKey } from './keys';
import {
  buildSignContent,
  decodeSignature,
  formatSignatureHeader,
  parseSignatureHeader,
  signContent,
  verifyBytes,
  verifyContent,
} from './signature';
import { loadSignatureVectors, readTestDataJson, testKeyPair } from './test-support';

const v = loadSignatureVectors();
const pkcs1 = loadPrivateKey(v.privateKeyPkcs1Base64);
const pkcs8 = loadPrivateKey(v.privateKeyPkcs8Base64);
const pub = loadPublicKey(v.publicKeySpkiBase64);

describe('test-data/alipay/signature-vectors.json (official Python SDK output)', () => {
  it('has cases to check', () => expect(v.cases.length).toBeGreaterThanOrEqual(5));

  describe.each(v.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    it('builds the exact content to sign', () => {
      expect(buildSignContent(c)).toBe(c.contentToSign);
    });
    it('reproduces signatureUrlEncoded byte for byte from the PKCS#1 key', () => {
      expect(signContent(c.contentToSign, pkcs1)).toBe(c.signatureUrlEncoded);
    });
    it('reproduces signatureUrlEncoded byte for byte from the PKCS#8 key', () => {
      expect(signContent(c.contentToSign, pkcs8)).toBe(c.signatureUrlEncoded);
    });
    it('reproduces the whole Signature header', () => {
      expect(formatSignatureHeader({ keyVersion: 1, signature: signContent(c.contentToSign, pkcs8) })).toBe(c.signatureHeader);
    });
    it('verifies with the SPKI public key', () => {
      expect(verifyContent(c.contentToSign, c.signatureUrlEncoded, pub)).toBe(true);
      const parsed = parseSignatureHeader(c.signatureHeader);
      expect(parsed.signature).toBe(c.signatureUrlEncoded);
      expect(parsed.keyVersion).toBe('1');
    });
  });

  it('rejects the tampered case', () => {
    const c = v.cases[v.tampered.caseIndex]!;
    const content = buildSignContent({ ...c, body: v.tampered.body });
    expect(v.tampered.mustVerify).toBe(false);
    expect(verifyContent(content, c.signatureUrlEncoded, pub)).toBe(false);
  });

  it('rejects the SDK-serialised (multi-line) body once re-serialised compactly', () => {
    const c = v.cases[v.cases.length - 1]!;
    expect(c.body).toContain('\n');
    const reserialised = JSON.stringify(JSON.parse(c.body));
    expect(verifyContent(buildSignContent({ ...c, body: reserialised }), c.signatureUrlEncoded, pub)).toBe(false);
  });
});

interface WycheproofFile {
  testGroups: { keySize: number | string; publicKeyDer: string; tests: { tcId: number; msg: string; sig: string; result: string; flags: string[] }[] }[];
}

// Counts as in the files (2048: 9 valid / 249 invalid; 3072: 8 / 250), each with one "acceptable".
const WYCHEPROOF_COUNTS = { '2048': { valid: 9, invalid: 249 }, '3072': { valid: 8, invalid: 250 } } as const;

describe.each(['2048', '3072'] as const)('Wycheproof RSA PKCS#1 v1.5 SHA-256 (%s)', (bits) => {
  const file = readTestDataJson<WycheproofFile>('wycheproof', `rsa_signature_${bits}_sha256_test.json`);
  const rows = file.testGroups.flatMap((g) => {
    // Load through the production loader (bare base64 SPKI) so the whole path is exercised.
    const key = loadPublicKey(Buffer.from(g.publicKeyDer, 'hex').toString('base64'));
    return g.tests.map((t) => ({ key, ...t }));
  });

  it('accepts every valid vector', () => {
    const valid = rows.filter((r) => r.result === 'valid');
    expect(valid.length).toBe(WYCHEPROOF_COUNTS[bits].valid);
    const rejected = valid.filter((r) => !verifyBytes(Buffer.from(r.msg, 'hex'), Buffer.from(r.sig, 'hex'), r.key)).map((r) => r.tcId);
    expect(rejected).toEqual([]);
  });

  it('rejects every invalid vector', () => {
    const invalid = rows.filter((r) => r.result === 'invalid');
    expect(invalid.length).toBe(WYCHEPROOF_COUNTS[bits].invalid);
    const accepted = invalid.filter((r) => verifyBytes(Buffer.from(r.msg, 'hex'), Buffer.from(r.sig, 'hex'), r.key)).map((r) => r.tcId);
    expect(accepted).toEqual([]);
  });

  it('rejects the one "acceptable" vector too (legacy encoding; strictness costs nothing here)', () => {
    const acceptable = rows.filter((r) => r.result === 'acceptable');
    expect(acceptable).toHaveLength(1);
    expect(acceptable.filter((r) => verifyBytes(Buffer.from(r.msg, 'hex'), Buffer.from(r.sig, 'hex'), r.key))).toEqual([]);
  });

  it('rejects every invalid vector through the URL-encoded verifyContent path too (UTF-8 messages)', () => {
    for (const r of rows) {
      const msg = Buffer.from(r.msg, 'hex');
      if (msg.toString('utf8') !== msg.toString('latin1') || r.result !== 'invalid') continue;
      expect(verifyContent(msg.toString('utf8'), encodeURIComponent(Buffer.from(r.sig, 'hex').toString('base64')), r.key)).toBe(false);
    }
  });
});

describe('verifyContent never throws', () => {
  const c = v.cases[0]!;
  it.each([
    ['empty', ''],
    ['bad percent escape', '%ZZ%'],
    ['not base64', '!!!!'],
    ['raw base64 with + / =', decodeURIComponent(c.signatureUrlEncoded)],
    ['truncated', c.signatureUrlEncoded.slice(0, 100)],
    ['non-canonical padding bits', 'QR%3D%3D'],
  ])('returns false for %s', (_n, sig) => {
    expect(verifyContent(c.contentToSign, sig, pub)).toBe(false);
  });
  it('returns false with a key of another algorithm', () => {
    const ec = createPublicKey(
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\nq9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n-----END PUBLIC KEY-----',
    );
    expect(verifyContent(c.contentToSign, c.signatureUrlEncoded, ec)).toBe(false);
  });
  it('returns false with another RSA key', () => {
    expect(verifyContent(c.contentToSign, c.signatureUrlEncoded, testKeyPair('other').publicKey)).toBe(false);
  });
  it('decodeSignature accepts lowercase percent escapes', () => {
    expect(decodeSignature(c.signatureUrlEncoded.replace(/%2F/g, '%2f'))).toBeDefined();
  });
});

describe('parseSignatureHeader', () => {
  const sig = v.cases[0]!.signatureUrlEncoded;
  const ok = (h: string) => expect(parseSignatureHeader(h)).toEqual({ algorithm: 'RSA256', keyVersion: '1', signature: sig });
  const bad = (h: string, code: string) => {
    try {
      parseSignatureHeader(h);
    } catch (e) {
      expect(e).toBeInstanceOf(AlipaySignatureHeaderError);
      expect((e as AlipaySignatureHeaderError).code).toBe(code);
      return;
    }
    throw new Error(`expected ${code} for ${h}`);
  };

  it('parses the SDK form', () => ok(`algorithm=RSA256,keyVersion=1,signature=${sig}`));
  it('tolerates spaces after commas (doc examples)', () => ok(`algorithm=RSA256, keyVersion=1, signature=${sig}`));
  it('tolerates key and algorithm case', () => ok(`Algorithm=rsa256,KEYVERSION=1,Signature=${sig}`));
  it('tolerates any order and surrounding whitespace', () => ok(`  signature=${sig} ,keyVersion=1,algorithm=RSA256 `));

  it('missing header', () => bad('', 'MISSING_HEADER'));
  it('whitespace-only header', () => bad('   ', 'MISSING_HEADER'));
  it('element without =', () => bad(`algorithm=RSA256,keyVersion,signature=${sig}`, 'MALFORMED_HEADER'));
  it('stray comma', () => bad(`algorithm=RSA256,,keyVersion=1,signature=${sig}`, 'MALFORMED_HEADER'));
  it('missing signature', () => bad('algorithm=RSA256,keyVersion=1', 'MISSING_KEY'));
  it('missing keyVersion', () => bad(`algorithm=RSA256,signature=${sig}`, 'MISSING_KEY'));
  it('missing algorithm', () => bad(`keyVersion=1,signature=${sig}`, 'MISSING_KEY'));
  it('duplicated key (two headers merged)', () =>
    bad(`algorithm=RSA256,keyVersion=1,signature=${sig}, algorithm=RSA256,keyVersion=1,signature=${sig}`, 'DUPLICATE_KEY'));
  it('duplicated key differing only in case', () => bad(`algorithm=RSA256,keyVersion=1,KeyVersion=2,signature=${sig}`, 'DUPLICATE_KEY'));
  it('unknown algorithm', () => bad(`algorithm=RSA512,keyVersion=1,signature=${sig}`, 'UNSUPPORTED_ALGORITHM'));
  it('unknown key', () => bad(`algorithm=RSA256,keyVersion=1,signature=${sig},charset=utf8`, 'UNKNOWN_KEY'));
  it('non-numeric keyVersion', () => bad(`algorithm=RSA256,keyVersion=v1,signature=${sig}`, 'INVALID_KEY_VERSION'));
  // Found by the property test (seed 1813582110): a tab after "=" used to be trimmed away silently.
  it('whitespace touching "="', () => {
    bad(`algorithm=RSA256,keyVersion=1,signature=\t${sig.slice(1)}`, 'MALFORMED_HEADER');
    bad(`algorithm =RSA256,keyVersion=1,signature=${sig}`, 'MALFORMED_HEADER');
    bad(`algorithm=RSA256,keyVersion= 1,signature=${sig}`, 'MALFORMED_HEADER');
  });
  it('empty signature', () => bad('algorithm=RSA256,keyVersion=1,signature=', 'MALFORMED_HEADER'));
  it('signature not URL-encoded', () => bad(`algorithm=RSA256,keyVersion=1,signature=${decodeURIComponent(sig)}`, 'SIGNATURE_NOT_URL_ENCODED'));
  it('signature with foreign characters', () => bad('algorithm=RSA256,keyVersion=1,signature=abc%zz', 'MALFORMED_HEADER'));
});
