/**
 * Redaction for the api_calls log. Tokens, auth codes and signatures never leave this module in
 * clear: they are replaced by `[redacted:<8 hex of SHA-256>]`, which still lets two log lines be
 * correlated ("same token?") without revealing the value.
 */
import { createHash } from 'node:crypto';

/** Body fields whose values are secrets or bearer credentials. */
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'accessToken',
  'refreshToken',
  'authCode',
  'authState',
  'paymentMethodId',
  'certificateNo',
  'accountHolderCertNo',
]);

export function redactValue(value: string): string {
  return `[redacted:${createHash('sha256').update(value).digest('hex').slice(0, 8)}]`;
}

function walk(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(walk);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = SENSITIVE_FIELDS.has(k) && (typeof v === 'string' || typeof v === 'number') ? redactValue(String(v)) : walk(v);
    }
    return out;
  }
  return node;
}

/**
 * Redacts a JSON body text. Non-JSON text is redacted by pattern so a malformed answer is still
 * safe to log.
 */
export function redactBody(text: string): string {
  try {
    return JSON.stringify(walk(JSON.parse(text)));
  } catch {
    return text.replace(
      new RegExp(`("(?:${[...SENSITIVE_FIELDS].join('|')})"\\s*:\\s*)"([^"]*)"`, 'g'),
      (_m, prefix: string, value: string) => `${prefix}"${redactValue(value)}"`,
    );
  }
}

/** Copies headers with lower-case names, the `signature=` value replaced. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    out[lower] = lower === 'signature' ? value.replace(/signature=[^,]*/i, 'signature=[redacted]') : value;
  }
  return out;
}
