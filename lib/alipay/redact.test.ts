import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redactBody, redactHeaders, SAFE_LOG_FIELDS } from './redact';
import { sampleOf } from './schema-fields';
import * as wire from './wire-schemas';

const schemas: [string, z.ZodType][] = (Object.entries(wire) as [string, unknown][]).filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType && /(Request|Response)$/.test(e[0]));

/**
 * Field names that carry personal data or secrets (by what they mean, not by where they appear): none may be
 * in the safe list. A new name here, or a new schema field, needs a decision in redact.ts.
 */
const PERSONAL_OR_SECRET = /token$|code$|state$|name$|fullname|phone|email|cert.*no|holder|login|ip$|useragent|device|address|birth|url$|identifier|customer.*id|buyer|description|reason|extendinfo|metadata|codevalue|methodid|registrationtime|osversion/i;
/** Names the pattern above catches that are not personal: codes and statuses, the merchant's own names. */
const REVIEWED = new Set(['resultCode', 'paymentResultCode', 'customsDeclarationResultCode', 'customsCode', 'merchantCustomsCode', 'productCode', 'merchantName', 'merchantDisplayName', 'merchantCustomsName', 'pspName', 'codeValueType']);

describe('API call log redaction (allow-list)', () => {
  it('covers every request and response schema of lib/alipay', () => {
    // consult, applyToken, revoke, queryToken, pay, inquiryPayment, cancel, refund, inquiryRefund, declare, inquiryDeclaration.
    expect(schemas.length).toBeGreaterThanOrEqual(22);
  });

  it.each(schemas)('%s: with every field filled, only safe fields reach the log in clear', (_name, schema) => {
    const leaves: { field: string; path: string; marker: string }[] = [];
    const sample = sampleOf(schema, (field, path) => {
      const marker = `M${leaves.length}x${field}`;
      leaves.push({ field, path, marker });
      return marker;
    });
    const raw = JSON.stringify(sample);
    const logged = redactBody(raw);
    expect(leaves.length).toBeGreaterThan(0);
    // (A field in several union branches keeps the last branch's marker.)
    for (const leaf of leaves.filter((l) => raw.includes(l.marker))) {
      if (SAFE_LOG_FIELDS.has(leaf.field)) expect(logged, leaf.path).toContain(leaf.marker);
      else expect(logged, `${leaf.path} must be redacted`).not.toContain(leaf.marker);
    }
    // Numbers outside the safe list are redacted too (e.g. an amount-like number under an unknown name).
    expect(redactBody('{"holderName":{"fullName":"Maria Santos"},"goodsQuantity":"2","x":12345}')).not.toMatch(/Maria|12345/);
  });

  it('no name that means personal data or a secret is on the safe list (but reviewed codes and merchant names)', () => {
    const bad = [...SAFE_LOG_FIELDS].filter((f) => PERSONAL_OR_SECRET.test(f) && !REVIEWED.has(f));
    expect(bad).toEqual([]);
  });

  it('the customs holder name, the buyer and unknown future fields are redacted; ids, amounts and results stay readable', () => {
    const body = JSON.stringify({
      declarationRequestId: 'D-1',
      buyerCertificate: { certificateType: 'ID_CARD', certificateNo: '110101199003077777', holderName: { fullName: 'Juan Dela Cruz' } },
      paymentAmount: { currency: 'PHP', value: '1000' },
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      brandNewAntomField: 'someone@example.com',
    });
    const logged = redactBody(body);
    for (const secret of ['110101199003077777', 'Juan Dela Cruz', 'someone@example.com']) expect(logged).not.toContain(secret);
    for (const clear of ['D-1', 'ID_CARD', '"currency":"PHP"', '"value":"1000"', '"resultCode":"SUCCESS"']) expect(logged).toContain(clear);
  });

  it('a body that is not JSON is redacted by pattern', () => {
    const logged = redactBody('{"result":{"resultStatus":"S"},"accessToken":"tok-123","fullName":"Ana Reyes", oops');
    expect(logged).toContain('"resultStatus":"S"');
    expect(logged).not.toMatch(/tok-123|Ana Reyes/);
  });

  it('the Signature header value never reaches the log', () => {
    expect(redactHeaders({ Signature: 'algorithm=RSA256,keyVersion=1,signature=abc%2Fdef', 'Client-Id': 'X' })).toEqual({ signature: 'algorithm=RSA256,keyVersion=1,signature=[redacted]', 'client-id': 'X' });
  });
});
