import { describe, expect, it } from 'vitest';
import { checkPasswordStrength } from './password-policy';

describe('checkPasswordStrength (NIST 800-63B: length + strength estimate, no composition rules)', () => {
  it.each(['            ', 'aaaaaaaaaaaa', 'password1234', 'qwertyuiop12', '123456789012', 'abcdefghijkl'])('refuses the trivially guessable %j with a reason', (password) => {
    const result = checkPasswordStrength(password);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/guess|common|Repeated|Sequences|keyboard|row/i);
  });

  it('refuses short passwords, saying how long they must be', () => {
    expect(checkPasswordStrength('Xk#9vT!q2')).toEqual({ ok: false, message: expect.stringContaining('at least 12 characters') });
  });

  it('refuses the product\'s and the merchant\'s name as known words ("daikou-daikou" was accepted)', () => {
    expect(checkPasswordStrength('daikou-daikou')).toMatchObject({ ok: false });
    expect(checkPasswordStrength('DaikouDaikou2026')).toMatchObject({ ok: false });
    expect(checkPasswordStrength('sunrisebakery-sunrisebakery', ['Sunrise Bakery'])).toMatchObject({ ok: false });
    expect(checkPasswordStrength('amber falcon quietly drifts', ['Sunrise Bakery'])).toEqual({ ok: true });
  });

  it('refuses a password built from the user own email', () => {
    expect(checkPasswordStrength('mariasantos2024', ['maria.santos@example.com', 'Maria Santos']).ok).toBe(false);
  });

  it('accepts passphrases and long random strings without demanding digits, capitals or symbols', () => {
    for (const password of ['correct horse battery staple', 'lantern orbit velvet canyon', 'e2e-admin-password-1', 'ümlaut straße café 北京']) {
      expect(checkPasswordStrength(password)).toEqual({ ok: true });
    }
  });
});
