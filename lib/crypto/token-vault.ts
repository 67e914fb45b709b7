import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption at rest for wallet tokens (reliability.md §4.5): AES-256-GCM with a random 96-bit IV per
 * value and AAD naming the row and field, so a ciphertext copied to another row or column fails to open;
 * plus an HMAC-SHA256 blind index (separate key) to find a row by token without decrypting every row.
 * Sealed form: `v<keyVersion>.<base64url(iv ‖ ciphertext ‖ tag)>`.
 */
export class TokenVault {
  constructor(
    private readonly encryptionKey: Buffer,
    private readonly indexKey: Buffer,
    readonly keyVersion = 1,
  ) {
    if (encryptionKey.length !== 32 || indexKey.length !== 32) throw new Error('TokenVault keys must be 32 bytes each');
    if (timingSafeEqual(encryptionKey, indexKey)) throw new Error('TokenVault: the encryption and index keys must differ');
  }

  static fromBase64(encryptionKey: string, indexKey: string, keyVersion = 1): TokenVault {
    return new TokenVault(Buffer.from(encryptionKey, 'base64'), Buffer.from(indexKey, 'base64'), keyVersion);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v${this.keyVersion}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Throws when the value was tampered with, moved to another row/field, or sealed under another key. */
  open(sealed: string, aad: string): string {
    const match = /^v(\d+)\.([A-Za-z0-9_-]+)$/.exec(sealed);
    if (!match || Number(match[1]) !== this.keyVersion) throw new Error('TokenVault: unknown sealed format or key version');
    const raw = Buffer.from(match[2]!, 'base64url');
    if (raw.length < 12 + 16) throw new Error('TokenVault: sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, raw.subarray(0, 12));
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
