/**
 * Test-only helpers: the signature vectors kept in the repository under test-data/ (a clone needs
 * nothing beside it; see test-data/README.md for their source and licence) and cached throw-away key
 * pairs. Not exported from the barrel.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Resolves a file under the repository's test-data/ folder. */
export function testDataPath(...parts: string[]): string {
  return path.resolve(repoRoot, 'test-data', ...parts);
}

export function readTestDataJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(testDataPath(...parts), 'utf8')) as T;
}

export interface SignatureVectorCase {
  method: string;
  path: string;
  clientId: string;
  time: string;
  body: string;
  contentToSign: string;
  signatureHeader: string;
  signatureUrlEncoded: string;
}

export interface SignatureVectors {
  privateKeyPkcs1Base64: string;
  privateKeyPkcs8Base64: string;
  publicKeySpkiBase64: string;
  cases: SignatureVectorCase[];
  tampered: { caseIndex: number; body: string; mustVerify: boolean };
}

export function loadSignatureVectors(): SignatureVectors {
  return readTestDataJson<SignatureVectors>('alipay', 'signature-vectors.json');
}

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

const cache = new Map<string, TestKeyPair>();

/** A fresh RSA pair per name, generated once per test process. */
export function testKeyPair(name = 'default', bits = 2048): TestKeyPair {
  const id = `${name}:${bits}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const pair = {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  cache.set(id, pair);
  return pair;
}
