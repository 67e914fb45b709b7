import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption at rest for wallet tokens (reliability.md §4.5): AES-256-GCM with a random 96-bit IV per
 * value and AAD naming the row and field, so a ciphertext copied to another row or column fails to open;
 * plus an HMAC-SHA256 blind index (separate key) to find a row by token without decrypting every row.
 * Sealed form: `v<keyVersion>.<base64url(iv ‖ ciphertext ‖ tag)>`. A keyring (TOKEN_ENCRYPTION_KEYS, newest
 * first) rotates the encryption key: new seals use the newest, older values still open with theirs, and the
 * re-seal job (lib/crypto/reseal-secrets.ts) moves them to the newest.
 */
export interface VaultKey {
  readonly version: number;
  readonly key: Buffer;
}

/** Why a keyring is refused; never carries key material. */
export class KeyringError extends Error {
  readonly code = 'KEYRING_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

/**
 * Parses TOKEN_ENCRYPTION_KEYS: `<version>:<base64 of 32 random bytes>` entries, newest first, separated by
 * commas or white space (e.g. `2:AbC…=,1:XyZ…=`). Refuses a malformed entry, a key of the wrong length and a
 * repeated version, naming the entry by position and version only.
 */
export function parseKeyring(text: string): VaultKey[] {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) throw new KeyringError('TOKEN_ENCRYPTION_KEYS is empty: give at least one `<version>:<base64 key>` entry, newest first.');
  const seen = new Set<number>();
  return entries.map((entry, i) => {
    const match = /^v?(\d{1,4}):([A-Za-z0-9+/=_-]+)$/.exec(entry);
    if (!match) throw new KeyringError(`TOKEN_ENCRYPTION_KEYS entry ${i + 1} is not \`<version>:<base64 key>\` (e.g. 2:$(openssl rand -base64 32)).`);
    const version = Number(match[1]);
    const key = Buffer.from(match[2]!, 'base64');
    if (version < 1) throw new KeyringError(`TOKEN_ENCRYPTION_KEYS entry ${i + 1}: key versions start at 1.`);
    if (key.length !== 32) throw new KeyringError(`TOKEN_ENCRYPTION_KEYS entry ${i + 1} (version ${version}) must be 32 random bytes in base64 (openssl rand -base64 32), got ${key.length} bytes.`);
    if (seen.has(version)) throw new KeyringError(`TOKEN_ENCRYPTION_KEYS names version ${version} twice.`);
    seen.add(version);
    return { version, key };
  });
}

export class TokenVault {
  private readonly keys: ReadonlyMap<number, Buffer>;
  /** The newest key's version: every new seal uses it. */
  readonly keyVersion: number;

  constructor(encryptionKey: Buffer, indexKey: Buffer, keyVersion?: number);
  constructor(keyring: readonly VaultKey[], indexKey: Buffer);
  constructor(
    encryption: Buffer | readonly VaultKey[],
    private readonly indexKey: Buffer,
    keyVersion = 1,
  ) {
    const ring: readonly VaultKey[] = Buffer.isBuffer(encryption) ? [{ version: keyVersion, key: encryption }] : encryption;
    if (ring.length === 0) throw new Error('TokenVault needs at least one encryption key');
    if (indexKey.length !== 32 || ring.some((k) => k.key.length !== 32)) throw new Error('TokenVault keys must be 32 bytes each');
    for (const k of ring) {
      if (timingSafeEqual(k.key, indexKey)) throw new Error(`TokenVault: the encryption key (version ${k.version}) and the index key must differ`);
    }
    this.keys = new Map(ring.map((k) => [k.version, k.key]));
    this.keyVersion = ring[0]!.version;
  }

  static fromBase64(encryptionKey: string, indexKey: string, keyVersion = 1): TokenVault {
    return new TokenVault(Buffer.from(encryptionKey, 'base64'), Buffer.from(indexKey, 'base64'), keyVersion);
  }

  /** From TOKEN_ENCRYPTION_KEYS (newest first) and TOKEN_INDEX_KEY. */
  static fromKeyring(keyring: string, indexKey: string): TokenVault {
    return new TokenVault(parseKeyring(keyring), Buffer.from(indexKey, 'base64'));
  }

  /** Every key version this vault can open, newest first. */
  get versions(): number[] {
    return [...this.keys.keys()];
  }

  /** The key version a sealed value names (null when it is not a sealed value). */
  static versionOf(sealed: string): number | null {
    const match = /^v(\d+)\./.exec(sealed);
    return match ? Number(match[1]) : null;
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyVersion)!, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v${this.keyVersion}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Throws when the value was tampered with, moved to another row/field, or sealed under a key not in the ring. */
  open(sealed: string, aad: string): string {
    const match = /^v(\d+)\.([A-Za-z0-9_-]+)$/.exec(sealed);
    if (!match) throw new Error('TokenVault: unknown sealed format');
    const key = this.keys.get(Number(match[1]));
    if (!key) throw new Error(`TokenVault: sealed under key version ${match[1]}, which is not in the keyring`);
    const raw = Buffer.from(match[2]!, 'base64url');
    if (raw.length < 12 + 16) throw new Error('TokenVault: sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Deterministic keyed hash for equality lookups (tokens, authState, authCode, buyer cookie). */
  index(value: string, purpose: string): string {
    return createHmac('sha256', this.indexKey).update(`${purpose}\0${value}`).digest('base64url');
  }
}

/** AAD for a token column of an agreement row. */
export function agreementTokenAad(agreementId: string, field: 'access_token' | 'refresh_token', keyVersion: number): string {
  return `agreements/${agreementId}/${field}/v${keyVersion}`;
}
