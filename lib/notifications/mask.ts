import { redactValue, SENSITIVE_FIELDS } from '@/lib/alipay';

const FIELD_PATTERN = new RegExp(`("(?:${[...SENSITIVE_FIELDS].join('|')})"\\s*:\\s*)"((?:[^"\\\\]|\\\\.)*)"`, 'g');

/**
 * Masks token-like JSON fields by pattern. Deliberately no JSON.parse: it runs on unverified bytes too,
 * and nothing may parse those. A value becomes `[redacted:<8 hex of SHA-256>]`, so two rows can still be
 * compared ("same token?") without revealing it.
 */
export function maskBodyText(text: string): string {
  return text.replace(FIELD_PATTERN, (_m, prefix: string, value: string) => `${prefix}"${redactValue(value)}"`);
}

/** Headers that could carry credentials of ours (never Antom's): dropped to a marker. */
const SECRET_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization', 'x-simulator-secret']);

/**
 * Headers as received, lower-case, for the developers' view. The Signature value is kept: it is not a
 * credential (it only vouches for this one body) and the signature debugger needs it.
 */
export function maskHeaders(headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [rawName, rawValue] of entries) {
    if (rawValue === undefined) continue;
    const name = rawName.toLowerCase();
    const value = typeof rawValue === 'string' ? rawValue : rawValue.join(', ');
    out[name] = SECRET_HEADERS.has(name) ? '[removed]' : value.slice(0, 2000);
  }
  return out;
}
