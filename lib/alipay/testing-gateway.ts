/**
 * A tiny in-process stand-in for Antom used by the unit tests: verifies the request signature with
 * the merchant public key and answers with a body signed by the "Antom" key. Not exported from the
 * barrel (the real simulator lives in lib/simulator).
 */
import type { KeyObject } from 'node:crypto';
import { buildSignContent, formatSignatureHeader, parseSignatureHeader, signContent, verifyContent } from './signature';

export interface RecordedCall {
  url: string;
  path: string;
  headers: Headers;
  body: string;
  requestSignatureValid: boolean;
}

export interface GatewayReply {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON.stringify(body). */
  text?: string;
  /** false: send no Signature/Response-Time headers. */
  sign?: boolean;
  /** Mutate the text after signing (tampering). */
  tamper?: (text: string) => string;
  signWith?: KeyObject;
  headers?: Record<string, string>;
}

export function fakeGateway(opts: {
  merchantPublicKey: KeyObject;
  antomPrivateKey: KeyObject;
  reply: (call: RecordedCall, index: number) => GatewayReply | Error | 'hang';
}): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const body = String(init?.body ?? '');
    let requestSignatureValid = false;
    try {
      const sig = parseSignatureHeader(headers.get('signature') ?? '');
      requestSignatureValid = verifyContent(
        buildSignContent({ method: 'POST', path: url.pathname, clientId: headers.get('client-id') ?? '', time: headers.get('request-time') ?? '', body }),
        sig.signature,
        opts.merchantPublicKey,
      );
    } catch {
      requestSignatureValid = false;
    }
    const call = { url: url.toString(), path: url.pathname, headers, body, requestSignatureValid };
    calls.push(call);
    const r = opts.reply(call, calls.length - 1);
    if (r === 'hang') {
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason ?? new Error('aborted')));
      });
    }
    if (r instanceof Error) throw r;
    const text = r.text ?? JSON.stringify(r.body ?? {});
    const responseTime = '2026-11-25T12:00:01+08:00';
    const out: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', 'client-id': headers.get('client-id') ?? '' };
    if (r.sign !== false) {
      const signature = signContent(
        buildSignContent({ method: 'POST', path: url.pathname, clientId: headers.get('client-id') ?? '', time: responseTime, body: text }),
        r.signWith ?? opts.antomPrivateKey,
      );
      out['response-time'] = responseTime;
      out['signature'] = formatSignatureHeader({ keyVersion: 1, signature });
    }
    return new Response(r.tamper ? r.tamper(text) : text, { status: r.status ?? 200, headers: { ...out, ...r.headers } });
  };
  return { fetch: impl as typeof fetch, calls };
}

export const OK = { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' } as const;
