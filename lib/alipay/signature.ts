/**
 * AMS RSA256 signatures (ams-api.md §1.3–1.4), with node:crypto only.
 *
 * Content: `<METHOD> <path>\n<clientId>.<time>.<raw body>` encoded as UTF-8;
 * signature: RSASSA-PKCS1-v1_5 with SHA-256, base64 (standard alphabet, padded), then URL-encoded;
 * header: `algorithm=RSA256,keyVersion=<n>,signature=<…>` with no spaces (the Java SDK parses it
 * positionally, so spaces or reordering would make Java peers treat the message as unsigned).
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { AlipaySignatureHeaderError } from './errors';

export interface SignContentParts {
  /** HTTP method, upper case (`POST` for everything in AMS). */
  readonly method: string;
  /** Path without scheme/host, exactly as requested (sandbox paths keep their `/ams/sandbox` prefix). */
  readonly path: string;
  readonly clientId: string;
  /** The Request-Time (requests, notifications) or Response-Time (answers) header value, verbatim. */
  readonly time: string;
  /** The raw body string exactly as transmitted — never a re-serialised object. */
  readonly body: string;
}

/** Builds the string-to-sign. Pure; no normalisation of any part (the peer does none either). */
export function buildSignContent({ method, path, clientId, time, body }: SignContentParts): string {
  return `${method} ${path}\n${clientId}.${time}.${body}`;
}

/** Signs `content` with RSA-SHA256 PKCS#1 v1.5; returns URL-encoded base64 (`+`→%2B, `/`→%2F, `=`→%3D). */
export function signContent(content: string, privateKey: KeyObject): string {
  const raw = sign('sha256', Buffer.from(content, 'utf8'), privateKey);
  return encodeURIComponent(raw.toString('base64'));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a URL-encoded base64 signature to bytes, or `undefined` if it is not canonical base64 after
 * URL-decoding (bad escapes, wrong length, stray characters). Never throws.
 */
export function decodeSignature(signatureUrlEncoded: string): Buffer | undefined {
  let b64: string;
  try {
    b64 = decodeURIComponent(signatureUrlEncoded);
  } catch {
    return undefined;
  }
  if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  // Reject non-canonical encodings (non-zero pad bits) so one signature has one spelling.
  return bytes.toString('base64') === b64 ? bytes : undefined;
}

/** Verifies raw bytes against a raw signature. Never throws: any malformed input is just `false`. */
export function verifyBytes(data: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', data, publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * True iff `signatureUrlEncoded` is a valid RSA256 signature of `content` under `publicKey`.
 * Never throws: bad URL-encoding, bad base64, wrong length or a non-RSA key all give `false`.
 * A raw (not URL-encoded) base64 signature is rejected when it contains `+`, `/` or `=`, matching
 * how the official SDKs would mangle it (`unquote_plus` turns `+` into a space).
 */
export function verifyContent(content: string, signatureUrlEncoded: string, publicKey: KeyObject): boolean {
  if (typeof signatureUrlEncoded !== 'string' || /[+/=]/.test(signatureUrlEncoded)) return false;
  const sig = decodeSignature(signatureUrlEncoded);
  if (!sig) return false;
  return verifyBytes(Buffer.from(content, 'utf8'), sig, publicKey);
}

export interface SignatureHeaderParts {
  readonly keyVersion: string | number;
  /** The URL-encoded signature as returned by `signContent`. */
  readonly signature: string;
}

/** `algorithm=RSA256,keyVersion=<n>,signature=<…>` — fixed order, no spaces (see file header). */
export function formatSignatureHeader({ keyVersion, signature }: SignatureHeaderParts): string {
  return `algorithm=RSA256,keyVersion=${keyVersion},signature=${signature}`;
}

export interface ParsedSignatureHeader {
  readonly algorithm: 'RSA256';
  readonly keyVersion: string;
  /** Still URL-encoded; pass it to `verifyContent`. */
  readonly signature: string;
}

const KNOWN_KEYS = ['algorithm', 'keyversion', 'signature'] as const;
type KnownKey = (typeof KNOWN_KEYS)[number];

/**
 * Parses a `Signature` header.
 * Tolerant of: key case (`KeyVersion=`), algorithm case (`rsa256`), whitespace around pairs (Antom's doc
 * examples put a space after each comma), any key order.
 * Strict about (throws `AlipaySignatureHeaderError` with a `code`): empty header, a pair without `=`,
 * missing or duplicated keys, unknown keys, algorithms other than RSA256, a non-numeric keyVersion,
 * and a signature that was not URL-encoded. Never throws anything else, whatever the input.
 */
export function parseSignatureHeader(header: string): ParsedSignatureHeader {
  if (typeof header !== 'string' || header.trim() === '') {
    throw new AlipaySignatureHeaderError('MISSING_HEADER', 'The Signature header is missing or empty: the message is unsigned.');
  }
  const seen = new Map<KnownKey, string>();
  for (const rawPart of header.split(',')) {
    const part = rawPart.trim();
    if (part === '') {
      throw new AlipaySignatureHeaderError('MALFORMED_HEADER', 'The Signature header has an empty element (stray comma).');
    }
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new AlipaySignatureHeaderError(
        'MALFORMED_HEADER',
        `The Signature header element "${truncate(part)}" is not key=value. Expected algorithm=RSA256,keyVersion=<n>,signature=<url-encoded base64>.`,
      );
    }
    // Whitespace around elements (after or before a comma) is tolerated; whitespace touching "=" is not, so
    // the parsed signature is always exactly the header's own text, never a trimmed guess.
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (/\s/.test(name) || /^\s/.test(value)) {
      throw new AlipaySignatureHeaderError(
        'MALFORMED_HEADER',
        `The Signature header element "${truncate(part)}" has whitespace around "="; expected e.g. keyVersion=1.`,
      );
    }
    const key = name.toLowerCase() as KnownKey;
    if (!KNOWN_KEYS.includes(key)) {
      throw new AlipaySignatureHeaderError(
        'UNKNOWN_KEY',
        `The Signature header has an unknown element "${truncate(name)}"; only algorithm, keyVersion and signature are defined.`,
      );
    }
    if (seen.has(key)) {
      throw new AlipaySignatureHeaderError(
        'DUPLICATE_KEY',
        `The Signature header contains "${name}" twice — two Signature headers were probably merged by a proxy, or the header was built by concatenation.`,
      );
    }
    seen.set(key, value);
  }
  for (const key of KNOWN_KEYS) {
    if (!seen.has(key)) {
      const display = key === 'keyversion' ? 'keyVersion' : key;
      throw new AlipaySignatureHeaderError('MISSING_KEY', `The Signature header has no ${display}= element.`);
    }
  }
  const algorithm = seen.get('algorithm') ?? '';
  if (algorithm.toUpperCase() !== 'RSA256') {
    throw new AlipaySignatureHeaderError(
      'UNSUPPORTED_ALGORITHM',
      `The Signature header names algorithm "${truncate(algorithm)}"; AMS only defines RSA256 (SHA256withRSA).`,
    );
  }
  const keyVersion = seen.get('keyversion') ?? '';
  if (!/^[0-9]{1,9}$/.test(keyVersion)) {
    throw new AlipaySignatureHeaderError('INVALID_KEY_VERSION', `The Signature header's keyVersion "${truncate(keyVersion)}" is not a number.`);
  }
  const signature = seen.get('signature') ?? '';
  if (signature === '') {
    throw new AlipaySignatureHeaderError('MALFORMED_HEADER', 'The Signature header has an empty signature= value.');
  }
  if (/[+/=]/.test(signature)) {
    throw new AlipaySignatureHeaderError(
      'SIGNATURE_NOT_URL_ENCODED',
      'The signature value contains raw "+", "/" or "=": it is plain base64, but AMS requires it URL-encoded (%2B, %2F, %3D).',
    );
  }
  if (!/^(?:[A-Za-z0-9]|%[0-9A-Fa-f]{2})+$/.test(signature)) {
    throw new AlipaySignatureHeaderError(
      'MALFORMED_HEADER',
      'The signature value has characters that cannot appear in URL-encoded base64.',
    );
  }
  return { algorithm: 'RSA256', keyVersion, signature };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
