/**
 * Zero-setup development keys: a merchant RSA-2048 pair (the portal signs with it, the simulator
 * verifies) and a simulator RSA-2048 pair (the simulator signs answers and notifications, the portal
 * verifies), as PEM files under `<dataDir>/keys/`.
 *
 * Invariant: existing files are never overwritten — regenerating would silently break every stored
 * signature expectation — so the first start creates them and every later start reads them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DevKeys {
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  simulatorPrivateKeyPem: string;
  simulatorPublicKeyPem: string;
  /** The directory holding the four files. */
  dir: string;
}

export const DEV_KEY_FILES = {
  merchantPrivateKeyPem: 'merchant-private.pem',
  merchantPublicKeyPem: 'merchant-public.pem',
  simulatorPrivateKeyPem: 'simulator-private.pem',
  simulatorPublicKeyPem: 'simulator-public.pem',
} as const;

function ensurePair(dir: string, privateName: string, publicName: string): { privatePem: string; publicPem: string } {
  const privatePath = path.join(dir, privateName);
  const publicPath = path.join(dir, publicName);
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return { privatePem: readFileSync(privatePath, 'utf8'), publicPem: readFileSync(publicPath, 'utf8') };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // Private key readable by the owner only; `wx` refuses to clobber a file another process just wrote.
  writeFileSync(privatePath, privateKey, { mode: 0o600, flag: 'wx' });
  writeFileSync(publicPath, publicKey, { flag: 'wx' });
  return { privatePem: privateKey, publicPem: publicKey };
}

/** Creates (if absent) and returns the merchant and simulator key pairs under `<dataDir>/keys/`. */
export function ensureDevKeys(dataDir: string): DevKeys {
  const dir = path.join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true });
  const merchant = ensurePair(dir, DEV_KEY_FILES.merchantPrivateKeyPem, DEV_KEY_FILES.merchantPublicKeyPem);
  const simulator = ensurePair(dir, DEV_KEY_FILES.simulatorPrivateKeyPem, DEV_KEY_FILES.simulatorPublicKeyPem);
  return {
    merchantPrivateKeyPem: merchant.privatePem,
    merchantPublicKeyPem: merchant.publicPem,
    simulatorPrivateKeyPem: simulator.privatePem,
    simulatorPublicKeyPem: simulator.publicPem,
    dir,
  };
}
