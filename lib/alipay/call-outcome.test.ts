import { describe, expect, it, vi } from 'vitest';
import { classifyCall } from './call-outcome';
import {
  AlipayConfigError,
  AlipayHttpError,
  AlipayIdempotencyError,
  AlipayNetworkError,
  AlipayResponseError,
  AlipaySignatureError,
  AlipayValidationError,
  isAlipayError,
} from './errors';
import type { AlipayCallResult } from './transport';

function answer(resultStatus: 'S' | 'F' | 'U', resultCode: string, signatureVerified = true): Promise<AlipayCallResult<{ result: unknown }>> {
  const result = { resultStatus, resultCode, resultMessage: resultCode.toLowerCase() };
  const outcome = resultStatus === 'S' ? 'success' : resultStatus === 'F' ? 'failed' : 'unknown';
  return Promise.resolve({ outcome, result, data: { result }, signatureVerified, attempts: 1, durationMs: 1 });
}

describe('classifyCall — one outcome for every AMS call', () => {
  it('S with a verified signature → succeeded', async () => {
    expect(await classifyCall(answer('S', 'SUCCESS'))).toMatchObject({ kind: 'succeeded', resultCode: 'SUCCESS' });
  });

  it('F → failed, with the result code mapped to words a person understands', async () => {
    const outcome = await classifyCall(answer('F', 'USER_BALANCE_NOT_ENOUGH'));
    expect(outcome).toMatchObject({ kind: 'failed', resultCode: 'USER_BALANCE_NOT_ENOUGH' });
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/balance/i);
  });

  it('U (PAYMENT_IN_PROCESS) → unknown, never failed', async () => {
    expect(await classifyCall(answer('U', 'PAYMENT_IN_PROCESS'))).toMatchObject({ kind: 'unknown', resultCode: 'PAYMENT_IN_PROCESS' });
  });

  it('an F whose code the table knows as U (e.g. UNKNOWN_EXCEPTION) → unknown', async () => {
    expect((await classifyCall(answer('F', 'UNKNOWN_EXCEPTION'))).kind).toBe('unknown');
  });

  it('an unsigned F answer → unknown (it cannot be trusted)', async () => {
    expect(await classifyCall(answer('F', 'PROCESS_FAIL', false))).toMatchObject({ kind: 'unknown', resultCode: 'PROCESS_FAIL' });
  });

  it('a timeout → unknown', async () => {
    expect(await classifyCall(Promise.reject(new AlipayNetworkError('TIMEOUT', 'no answer', 3)))).toMatchObject({ kind: 'unknown', resultCode: 'TIMEOUT' });
  });

  it('a network error → unknown', async () => {
    expect(await classifyCall(Promise.reject(new AlipayNetworkError('NETWORK_ERROR', 'reset', 1)))).toMatchObject({ kind: 'unknown', resultCode: 'NETWORK_ERROR' });
  });

  it('a 5xx after the retries → unknown', async () => {
    expect(await classifyCall(Promise.reject(new AlipayNetworkError('SERVER_ERROR', 'HTTP 502', 3)))).toMatchObject({ kind: 'unknown', resultCode: 'SERVER_ERROR' });
  });

  it('another HTTP status → unknown (the request may have been processed behind a proxy)', async () => {
    expect((await classifyCall(Promise.reject(new AlipayHttpError(404, 'not found')))).kind).toBe('unknown');
  });

  it('an answer whose signature does not verify → unknown', async () => {
    expect(await classifyCall(Promise.reject(new AlipaySignatureError('INVALID_SIGNATURE', 'bad')))).toMatchObject({ kind: 'unknown', resultCode: 'INVALID_SIGNATURE' });
  });

  it('an unsigned S → unknown (never a success)', async () => {
    expect(await classifyCall(Promise.reject(new AlipaySignatureError('UNSIGNED_SUCCESS', 'unsigned')))).toMatchObject({ kind: 'unknown', resultCode: 'UNSIGNED_SUCCESS' });
  });

  it('a verified answer of the wrong shape → unknown', async () => {
    expect((await classifyCall(Promise.reject(new AlipayResponseError('INVALID_SHAPE', 'shape')))).kind).toBe('unknown');
  });

  it('a request refused before sending (validation) → not_sent', async () => {
    expect(await classifyCall(Promise.reject(new AlipayValidationError([{ field: 'paymentAmount.value', message: 'is required' }], 'pay')))).toMatchObject({
      kind: 'not_sent',
      resultCode: 'INVALID_REQUEST',
    });
  });

  it('a resend whose body differs from the stored hash → not_sent', async () => {
    expect(await classifyCall(Promise.reject(new AlipayIdempotencyError('differs')))).toMatchObject({ kind: 'not_sent', resultCode: 'BODY_MISMATCH' });
  });

  it('a configuration error → not_sent', async () => {
    expect(await classifyCall(Promise.reject(new AlipayConfigError('no key')))).toMatchObject({ kind: 'not_sent', resultCode: 'INVALID_CONFIG' });
  });

  it('a programming error is not swallowed', async () => {
    await expect(classifyCall(Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
  });
});

describe('classifyError — recognises errors from another copy of lib/alipay', () => {
  it('a timeout thrown by a second module instance (as a production build has per bundle) is unknown, never re-thrown', async () => {
    vi.resetModules();
    const copy = await import('./errors');
    const foreign = new copy.AlipayNetworkError('TIMEOUT', 'no answer in 15000 ms', 1);
    // The premise: the class identity differs between the two copies.
    expect(foreign instanceof AlipayNetworkError).toBe(false);
    const outcome = await classifyCall(Promise.reject(foreign));
    expect(outcome).toMatchObject({ kind: 'unknown', resultCode: 'TIMEOUT' });
    const notSent = await classifyCall(Promise.reject(new copy.AlipayValidationError([{ field: 'paymentAmount.value', message: 'is required' }], 'pay')));
    expect(notSent).toMatchObject({ kind: 'not_sent', resultCode: 'INVALID_REQUEST' });
    expect(isAlipayError(foreign, 'network')).toBe(true);
    expect(isAlipayError(foreign, 'signature')).toBe(false);
    expect(isAlipayError(new Error('TIMEOUT'))).toBe(false);
  });
});
