import type { KeyObject } from 'node:crypto';
import { buildSignContent, decodeSignature, keyFingerprint, parseSignatureHeader, verifyBytes } from '@/lib/alipay';

export type PartVerdict = 'ok' | 'differs' | 'unknown';

export interface SignatureDebug {
  /** The exact string the signature was checked against (tokens in the body masked for display). */
  signedString: string;
  verified: boolean;
  parts: { part: 'signatureHeader' | 'keyVersion' | 'method' | 'path' | 'clientId' | 'requestTime' | 'body'; value: string; verdict: PartVerdict; note?: string }[];
  /** One plain sentence: what differed, or that it verified. */
  conclusion: string;
}

export interface DebugSignatureInput {
  /** Configured public path (what we verify against) and the path the request really arrived on. */
  path: string;
  requestPath: string | null;
  headers: Readonly<Record<string, string>>;
  expectedClientId: string;
  /** The raw body when we kept it (verified deliveries), else the masked one. */
  body: string;
  bodyIsRaw: boolean;
  publicKeys: Readonly<Record<string, KeyObject>>;
}

/**
 * The signature debugger: rebuilds `POST <path>\n<Client-Id>.<Request-Time>.<body>`, verifies it, and when
 * it fails, varies one part at a time (the path it arrived on, each configured key) to name the part that
 * differed. An RSA signature cannot say which byte changed; what it can say is which alternative verifies.
 */
export function debugSignature(input: DebugSignatureInput): SignatureDebug {
  const clientId = input.headers['client-id'] ?? '';
  const time = input.headers['request-time'] ?? '';
  const header = input.headers['signature'] ?? '';
  const signedString = buildSignContent({ method: 'POST', path: input.path, clientId, time, body: input.body });
  const parts: SignatureDebug['parts'] = [
    { part: 'method', value: 'POST', verdict: 'ok' },
    { part: 'path', value: input.path, verdict: 'unknown' },
    { part: 'clientId', value: clientId || '(missing)', verdict: clientId === input.expectedClientId ? 'ok' : 'differs', note: clientId === input.expectedClientId ? undefined : `expected ${input.expectedClientId}` },
    { part: 'requestTime', value: time || '(missing)', verdict: time ? 'unknown' : 'differs' },
    { part: 'body', value: `${Buffer.byteLength(input.body)} bytes${input.bodyIsRaw ? '' : ' (as shown, masked)'}`, verdict: 'unknown' },
  ];
  const set = (part: SignatureDebug['parts'][number]['part'], verdict: PartVerdict, note?: string) => {
    const p = parts.find((x) => x.part === part);
    if (p) Object.assign(p, { verdict, note });
  };
  const finish = (verified: boolean, conclusion: string): SignatureDebug => ({ signedString, verified, parts, conclusion });

  let parsed;
  try {
    parsed = parseSignatureHeader(header);
  } catch (error) {
    parts.unshift({ part: 'signatureHeader', value: header || '(missing)', verdict: 'differs', note: (error as Error).message });
    return finish(false, 'The Signature header is missing or malformed, so nothing could be verified.');
  }
  const signature = decodeSignature(parsed.signature);
  const key = input.publicKeys[parsed.keyVersion];
  parts.unshift({
    part: 'keyVersion',
    value: parsed.keyVersion,
    verdict: key ? 'ok' : 'differs',
    note: key ? keyFingerprint(key) : `configured: ${Object.keys(input.publicKeys).join(', ')}`,
  });
  if (!signature) return finish(false, 'The signature value is not valid base64.');
  const verifyWith = (path: string, k: KeyObject, body = input.body) =>
    verifyBytes(Buffer.from(buildSignContent({ method: 'POST', path, clientId, time, body }), 'utf8'), signature, k);

  if (key && verifyWith(input.path, key)) {
    for (const p of parts) if (p.verdict === 'unknown') p.verdict = 'ok';
    return finish(true, 'The signature verifies over exactly this string.');
  }
  if (key && input.requestPath && input.requestPath !== input.path && verifyWith(input.requestPath, key)) {
    set('path', 'differs', `signed over ${input.requestPath}`);
    return finish(false, `The path differed: Antom signed over "${input.requestPath}", but the configured notify path is "${input.path}" (check APP_URL and the notify URL registered with Antom).`);
  }
  for (const [version, other] of Object.entries(input.publicKeys)) {
    if (version !== parsed.keyVersion && verifyWith(input.path, other)) {
      parts[0]!.verdict = 'differs';
      parts[0]!.note = `the signature verifies with the key of version ${version}`;
      return finish(false, `The keyVersion differed: the header says ${parsed.keyVersion} but the signature was made with the key configured as version ${version}.`);
    }
  }
  if (!key) return finish(false, `No public key is configured for keyVersion ${parsed.keyVersion}; add it as ALIPAY_PUBLIC_KEY_2 during a rotation.`);
  if (clientId !== input.expectedClientId) return finish(false, `The Client-Id differed: the notification names "${clientId}", this portal is "${input.expectedClientId}".`);
  if (!input.bodyIsRaw) {
    return finish(false, 'The signature does not verify over the body as shown; the body had secret fields masked, so the exact bytes cannot be re-checked here.');
  }
  set('path', 'ok');
  return finish(false, 'Path, Client-Id and key are as configured, so the body or Request-Time differs from what was signed (a proxy re-encoded the body, or the message was altered), or it was signed with a key that is not configured.');
}
