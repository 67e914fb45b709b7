/**
 * Key loading for the AMS client: merchant private key and Antom ("Alipay") public key.
 *
 * What people actually paste (ams-api.md §1.4): the Antom Dashboard hands out bare base64 (PKCS#8 for
 * the private key, X.509 SubjectPublicKeyInfo for the public key); tools like `openssl genrsa` produce
 * PKCS#1 PEM; environment variables often carry PEMs with literal `\n`. All of these are accepted. Keys
 * are parsed once into `KeyObject`s — re-parsing PEM per call costs ~6× the verify itself
 * (reliability.md §4.1).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AlipayKeyError } from './errors';

/** RSA below this is refused: 1024-bit RSA is factorable by a motivated attacker. */
export const MIN_RSA_BITS = 2048;

interface Armored {
  readonly label: string | undefined;
  readonly der: Buffer;
}

/** Splits PEM armour (if any) from the base64 body; tolerates `\n` escapes, CRLF and stray spaces. */
function unarmor(text: string, slot: 'private' | 'public'): Armored {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new AlipayKeyError('EMPTY_KEY', `The ${slot} key is empty: paste the key text (PEM or bare base64).`);
  }
  // Env files frequently store a PEM on one line with literal "\n" sequences.
  const normalised = text.replace(/\\r/g, '').replace(/\\n/g, '\n').trim();
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(normalised);
  const label = pem?.[1];
  const body = (pem ? (pem[2] ?? '') : normalised).replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
  if (normalised.includes('-----BEGIN') && !pem) {
    throw new AlipayKeyError('UNREADABLE_KEY', `The ${slot} key has a PEM BEGIN line without a matching END line (truncated paste?).`);
  }
  if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw new AlipayKeyError(
      'UNREADABLE_KEY',
      `The ${slot} key is neither PEM nor bare base64 (found characters outside the base64 alphabet).`,
    );
  }
  return { label, der: Buffer.from(body, 'base64') };
}

function tryPrivate(der: Buffer): KeyObject | undefined {
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // try the next container format
    }
  }
  return undefined;
}

function tryPublic(der: Buffer): KeyObject | undefined {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type });
    } catch {
      // try the next container format
    }
  }
  return undefined;
}

function assertStrongRsa(key: KeyObject, slot: 'private' | 'public'): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AlipayKeyError(
      'NOT_RSA',
      `The ${slot} key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}; Antom's RSA256 needs an RSA key.`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new AlipayKeyError(
      'KEY_TOO_SMALL',
      `The ${slot} key is RSA-${bits}; at least RSA-${MIN_RSA_BITS} is required (fingerprint ${keyFingerprint(key)}).`,
    );
  }
}

/**
 * Parses the merchant private key.
 * Accepts PEM (`PRIVATE KEY` = PKCS#8, `RSA PRIVATE KEY` = PKCS#1, also mislabelled) or bare base64 of
 * either DER form. Throws `AlipayKeyError` — `PUBLIC_KEY_IN_PRIVATE_SLOT` when a public key was pasted,
 * `ENCRYPTED_KEY` for passphrase-protected keys, `KEY_TOO_SMALL` below 2048 bits.
 */
export function loadPrivateKey(text: string): KeyObject {
  const { label, der } = unarmor(text, 'private');
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw new AlipayKeyError('ENCRYPTED_KEY', 'The private key is passphrase-encrypted; export it unencrypted (PKCS#8) for the server.');
  }
  const key = tryPrivate(der);
  if (!key) {
    const asPublic = tryPublic(der);
    if (asPublic) {
      throw new AlipayKeyError(
        'PUBLIC_KEY_IN_PRIVATE_SLOT',
        `A public key (fingerprint ${keyFingerprint(asPublic)}) was given where the merchant PRIVATE key belongs. ` +
          'Paste your own private key here; the public key goes to the Antom Dashboard (or, if it is Antom\'s, into the Alipay public key slot).',
      );
    }
    throw new AlipayKeyError('UNREADABLE_KEY', 'The private key is valid base64 but not a PKCS#8 or PKCS#1 RSA private key (truncated or corrupted?).');
  }
  assertStrongRsa(key, 'private');
  return key;
}

/**
 * Parses the Antom public key (X.509 SubjectPublicKeyInfo, PEM or bare base64; PKCS#1 `RSA PUBLIC KEY`
 * also accepted). Throws `AlipayKeyError` — `PRIVATE_KEY_IN_PUBLIC_SLOT` if a private key was pasted
 * (the message never echoes key material, only the fingerprint of its public half).
 */
export function loadPublicKey(text: string): KeyObject {
  const { der } = unarmor(text, 'public');
  // Checked first: createPublicKey would silently derive the public half from private-key DER.
  const asPrivate = tryPrivate(der);
  if (asPrivate) {
    throw new AlipayKeyError(
      'PRIVATE_KEY_IN_PUBLIC_SLOT',
      `A PRIVATE key (public half fingerprint ${keyFingerprint(asPrivate)}) was given where the Alipay/Antom public key belongs. ` +
        'Download Antom\'s public key from the Dashboard; treat this private key as exposed if it was shared.',
    );
  }
  const key = tryPublic(der);
  if (!key) {
    throw new AlipayKeyError('UNREADABLE_KEY', 'The public key is valid base64 but not an X.509 SubjectPublicKeyInfo RSA key (truncated or corrupted?).');
  }
  assertStrongRsa(key, 'public');
  return key;
}

/**
 * `SHA256:<base64>` of the SubjectPublicKeyInfo DER of the key's public half (OpenSSH-style).
 * Identical for a private key and its public key, so it identifies a pair in logs and error messages
 * without revealing anything secret.
 */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ format: 'der', type: 'spki' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/** True when `publicKey` is the public half of `privateKey`. */
export function isKeyPair(privateKey: KeyObject, publicKey: KeyObject): boolean {
  return keyFingerprint(privateKey) === keyFingerprint(publicKey);
}

/**
 * Throws `KEY_PAIR_MISMATCH` (with both fingerprints) unless `publicKey` is the public half of
 * `privateKey`. Use it at start-up for the merchant pair, so a stale public key in the Antom
 * Dashboard is reported before Antom answers INVALID_SIGNATURE.
 */
export function assertKeyPair(privateKey: KeyObject, publicKey: KeyObject): void {
  const privFp = keyFingerprint(privateKey);
  const pubFp = keyFingerprint(publicKey);
  if (privFp !== pubFp) {
    throw new AlipayKeyError(
      'KEY_PAIR_MISMATCH',
      `The private key (public half ${privFp}) does not match the public key (${pubFp}). ` +
        'One of them is from another key pair — regenerate the public key from this private key and upload it.',
    );
  }
}
