import { describe, expect, it } from 'vitest';
import { refundLimitsToText, settingsFormInput } from './settings-form-input';

describe('settingsFormInput', () => {
  it('turns ticked method.<CODE> boxes and CUR=minor lines into the service input', () => {
    const parsed = settingsFormInput.parse({
      merchantName: ' Shop ',
      'method.GCASH': '1',
      'method.KAKAOPAY': '1',
      refundLimits: 'php=500000\r\n\n KRW = 0100000 \n',
    });
    expect(parsed).toEqual({ merchantName: 'Shop', contractedMethods: ['GCASH', 'KAKAOPAY'], operatorRefundLimits: { PHP: '500000', KRW: '100000' } });
  });

  it('treats no ticked box as no contracted wallets and an empty textarea as no limits', () => {
    expect(settingsFormInput.parse({ merchantName: 'Shop', refundLimits: '' })).toEqual({ merchantName: 'Shop', contractedMethods: [], operatorRefundLimits: {} });
  });

  it.each([
    ['PHP=5.00', /Line 1: write CURRENCY=minor units/],
    ['PHP=1\nPHP=2', /Line 2: PHP is listed twice/],
    ['XXX=100', /Line 1: XXX is not a supported currency/],
    ['PHP=12345678901234567', /Line 1/],
  ])('refuses the limits %j with a message on the field', (refundLimits, message) => {
    const result = settingsFormInput.safeParse({ merchantName: 'Shop', refundLimits });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === 'refundLimits');
    expect(issue?.message).toMatch(message);
  });

  it('refuses an unknown wallet code and an empty merchant name', () => {
    expect(settingsFormInput.safeParse({ merchantName: 'Shop', 'method.NOPE': '1' }).success).toBe(false);
    expect(settingsFormInput.safeParse({ merchantName: '  ' }).success).toBe(false);
  });

  it('writes limits back one per line, sorted', () => {
    expect(refundLimitsToText({ PHP: '500000', KRW: '100000' })).toBe('KRW=100000\nPHP=500000');
  });
});

describe('settingsFormInput charge limits', () => {
  it('reads operator charge limits like refund limits, and leaves them alone when the form has no such field', () => {
    expect(settingsFormInput.parse({ merchantName: 'Shop', refundLimits: '', chargeLimits: 'krw=990000\nPHP = 500000' })).toMatchObject({
      operatorChargeLimits: { KRW: '990000', PHP: '500000' },
    });
    expect(settingsFormInput.parse({ merchantName: 'Shop', refundLimits: '' })).not.toHaveProperty('operatorChargeLimits');
  });

  it('names the bad line on the charge limits field', () => {
    const result = settingsFormInput.safeParse({ merchantName: 'Shop', chargeLimits: 'PHP=5\nXXX=1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['chargeLimits'], message: 'Line 2: XXX is not a supported currency.' })]);
  });
});
