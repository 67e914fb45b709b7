/**
 * The one outcome classifier for every AMS call. Domains act on `kind`, never on exceptions or strings:
 *
 * - `not_sent`  — refused before anything left the process (invalid request, body mismatch, config):
 *                 final for this attempt, and safe to retry with the same request once fixed.
 * - `succeeded` — a verified answer with resultStatus S.
 * - `failed`    — an answer with resultStatus F (a final refusal), with the code mapped to words.
 * - `unknown`   — U, timeout, network error, 5xx, any other HTTP status, an unverifiable or unsigned
 *                 answer, or a verified answer of the wrong shape: the call may have taken effect.
 *                 Never FAILED: resend the identical request or inquire.
 */
import { alipayErrorKind, isAlipayError } from './errors';
import { classifyResult, describeResult } from './result-codes';
import type { AlipayCallResult } from './transport';
import type { AlipayResult } from './wire-schemas';

export type CallOutcome<T> =
  | { readonly kind: 'succeeded'; readonly data: T; readonly result: AlipayResult; readonly resultCode: string }
  | { readonly kind: 'failed'; readonly data: T; readonly result: AlipayResult; readonly resultCode: string; readonly reason: string }
  | { readonly kind: 'unknown'; readonly data?: T; readonly resultCode: string; readonly reason: string }
  | { readonly kind: 'not_sent'; readonly resultCode: string; readonly reason: string };

/** Awaits one call and classifies it. Only programming errors (non-Alipay exceptions) still throw. */
export async function classifyCall<T>(call: Promise<AlipayCallResult<T>>): Promise<CallOutcome<T>> {
  let answer: AlipayCallResult<T>;
  try {
    answer = await call;
  } catch (error) {
    return classifyError(error);
  }
  const resultCode = answer.result.resultCode;
  // An unsigned answer could have come from anything between us and Antom: trust none of it.
  if (!answer.signatureVerified) {
    return { kind: 'unknown', data: answer.data, resultCode, reason: `The answer (${resultCode}) was not signed by Antom, so it cannot be trusted.` };
  }
  const outcome = classifyResult(answer.result);
  if (outcome === 'success') return { kind: 'succeeded', data: answer.data, result: answer.result, resultCode };
  const reason = describeResult(answer.result).meaning;
  if (outcome === 'failed') return { kind: 'failed', data: answer.data, result: answer.result, resultCode, reason };
  return { kind: 'unknown', data: answer.data, resultCode, reason };
}

/** Classifies a thrown error from the client (exported for callers that catch themselves). */
export function classifyError(error: unknown): CallOutcome<never> {
  // By brand, never instanceof: the error may come from another bundle's copy of lib/alipay (the production build
  // gives the in-process worker and each route or action its own).
  const kind = alipayErrorKind(error);
  if (isAlipayError(error) && (kind === 'validation' || kind === 'idempotency' || kind === 'config')) {
    return { kind: 'not_sent', resultCode: error.code, reason: error.message };
  }
  if (isAlipayError(error, 'network')) {
    const reason =
      error.code === 'TIMEOUT'
        ? 'Antom did not answer in time; the outcome is not known yet.'
        : error.code === 'SERVER_ERROR'
          ? 'Antom answered with a server error; the outcome is not known yet.'
          : 'Antom could not be reached; the outcome is not known yet.';
    return { kind: 'unknown', resultCode: error.code, reason };
  }
  if (isAlipayError(error)) {
    return { kind: 'unknown', resultCode: error.code, reason: `The answer could not be trusted (${error.code}); the outcome is not known yet.` };
  }
  throw error;
}
