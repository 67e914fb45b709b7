import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlipaySignatureHeaderError } from './errors';
import { loadPublicKey } from './keys';
import { parseSignatureHeader, verifyContent } from './signature';
import { loadSignatureVectors } from './test-support';

const RUNS = 10_000;

/** Runs the parser; anything thrown must be the typed error. */
function parseOrTypedError(header: string): 'ok' | 'typed' {
  try {
    parseSignatureHeader(header);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(AlipaySignatureHeaderError);
    expect(typeof (e as AlipaySignatureHeaderError).code).toBe('string');
    return 'typed';
  }
}

const v = loadSignatureVectors();
const sig = v.cases[0]!.signatureUrlEncoded;

const randomCase = (s: string) =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flips) => [...s].map((ch, i) => (flips[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));
const ws = fc.constantFrom('', ' ', '  ', '\t');

describe('parseSignatureHeader properties (fast-check, 10,000 cases each)', () => {
  it('any string: returns or throws AlipaySignatureHeaderError, never anything else', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (h) => parseOrTypedError(h) !== undefined), { numRuns: RUNS });
  });

  it('strings built from header-ish tokens: only typed errors', () => {
    const token = fc.constantFrom('algorithm', 'keyVersion', 'signature', 'RSA256', 'rsa256', '=', ',', ' ', '1', '%2F', '%', '+', '/', '==', sig.slice(0, 12), 'x');
    fc.assert(fc.property(fc.array(token, { maxLength: 24 }), (parts) => parseOrTypedError(parts.join('')) !== undefined), { numRuns: RUNS });
  });

  it('valid headers in any key order, key case and spacing parse to the same values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 3, 4, 5),
        randomCase('algorithm'),
        randomCase('keyversion'),
        randomCase('signature'),
        randomCase('rsa256'),
        fc.integer({ min: 0, max: 999_999 }),
        fc.array(ws, { minLength: 6, maxLength: 6 }),
        (order, ka, kv, ks, alg, version, pad) => {
          const pairs = [`${ka}=${alg}`, `${kv}=${version}`, `${ks}=${sig}`];
          const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]][order]!;
          const header = perms.map((i, j) => `${pad[j * 2]}${pairs[i]}${pad[j * 2 + 1]}`).join(',');
          const parsed = parseSignatureHeader(header);
          return parsed.algorithm === 'RSA256' && parsed.keyVersion === String(version) && parsed.signature === sig;
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a valid header with one element mutated never parses to a different signature silently', () => {
    const base = `algorithm=RSA256,keyVersion=1,signature=${sig}`;
    fc.assert(
      fc.property(fc.nat({ max: base.length - 1 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), (at, insert) => {
        const mutated = base.slice(0, at) + insert + base.slice(at + 1);
        try {
          const p = parseSignatureHeader(mutated);
          // If it still parses, the pieces must be exactly what the text says (no guessing).
          return mutated.toLowerCase().includes(`signature=${p.signature.toLowerCase()}`);
        } catch (e) {
          return e instanceof AlipaySignatureHeaderError;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('verifyContent properties', () => {
  const pub = loadPublicKey(v.publicKeySpkiBase64);
  it('never throws and never accepts a random signature (10,000 cases)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => verifyContent(v.cases[0]!.contentToSign, s, pub) === false),
      { numRuns: RUNS },
    );
  });
});
