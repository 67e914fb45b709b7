// Robustness: random bodies (validly signed, so they reach the field checks) and random Signature headers
// against every endpoint never crash the simulator and always get HTTP 200 with an Antom result object.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amsCall, startTestSimulator, type TestSimulator } from './test-kit';

const ENDPOINTS = [
  'authorizations/consult',
  'authorizations/applyToken',
  'authorizations/revoke',
  'authorizations/query',
  'payments/pay',
  'payments/inquiryPayment',
  'payments/cancel',
  'payments/refund',
  'payments/inquiryRefund',
  'customs/declare',
  'customs/inquiryDeclarationRequests',
];

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.close();
});

const isAntomResult = (json: unknown): boolean => {
  const r = (json as { result?: { resultCode?: unknown; resultStatus?: unknown } }).result;
  return typeof r?.resultCode === 'string' && ['S', 'F', 'U'].includes(String(r.resultStatus));
};

describe('fuzzing the AMS front door', () => {
  it('random signed JSON bodies on every endpoint: always 200 + result, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.jsonValue({ maxDepth: 3 }), async (endpoint, value) => {
        const r = await amsCall(t, endpoint, undefined, { rawBody: JSON.stringify(value) });
        expect(r.status).toBe(200);
        expect(isAntomResult(r.json)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('plausible bodies with random field values: field errors name a field, nothing crashes', async () => {
    const scalar = fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant('GCASH'), fc.constant('10000'));
    const amount = fc.record({ currency: fc.oneof(fc.constant('PHP'), fc.string({ maxLength: 4 })), value: scalar });
    const body = fc.record(
      {
        productCode: fc.oneof(fc.constant('AGREEMENT_PAYMENT'), scalar),
        paymentRequestId: scalar,
        paymentId: scalar,
        refundRequestId: scalar,
        paymentAmount: fc.oneof(amount, scalar),
        refundAmount: fc.oneof(amount, scalar),
        paymentMethod: fc.record({ paymentMethodType: scalar, paymentMethodId: scalar }, { requiredKeys: [] }),
        order: fc.record({ referenceOrderId: scalar, orderDescription: scalar, orderAmount: amount }, { requiredKeys: [] }),
        customerBelongsTo: scalar,
        authRedirectUrl: fc.oneof(fc.webUrl(), scalar),
        scopes: fc.oneof(fc.array(scalar, { maxLength: 5 }), scalar),
        authState: scalar,
        terminalType: scalar,
        grantType: scalar,
        authCode: scalar,
        accessToken: scalar,
        declarationRequestIds: fc.oneof(fc.array(scalar, { maxLength: 12 }), scalar),
        splitOrder: scalar,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), body, async (endpoint, value) => {
        const r = await amsCall(t, endpoint, value);
        expect(r.status).toBe(200);
        expect(isAntomResult(r.json)).toBe(true);
        expect(r.json.result.resultCode).not.toBe('UNKNOWN_EXCEPTION');
        expect(r.signed).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('random Signature headers: INVALID_SIGNATURE or KEY_NOT_FOUND, unsigned', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), async (header) => {
        const r = await amsCall(t, 'payments/inquiryPayment', { paymentId: 'x' }, { signatureHeader: () => header });
        expect(r.status).toBe(200);
        expect(['INVALID_SIGNATURE', 'KEY_NOT_FOUND']).toContain(r.json.result.resultCode);
      }),
      { numRuns: 200 },
    );
  });
});
