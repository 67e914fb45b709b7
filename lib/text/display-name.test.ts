import { describe, expect, it } from 'vitest';
import { createCustomerInput } from '@/lib/customers/create-customer';
import { updateMerchantSettingsInput } from '@/lib/settings/update-merchant-settings';
import { createStaffUserInput } from '@/lib/staff/create-staff-user';

describe('names refuse control characters with a field error (a NUL byte used to reach PostgreSQL and answer 500)', () => {
  it.each(['Maria\u0000Santos', 'Maria\nSantos', 'Maria\u2028Santos', '\u0085'])('refuses %j in customer, staff and merchant names', (name) => {
    const customer = createCustomerInput.safeParse({ reference: 'c-1', name });
    const staff = createStaffUserInput.safeParse({ email: 'a@example.com', name, role: 'viewer', password: 'lantern orbit velvet canyon' });
    const merchant = updateMerchantSettingsInput.safeParse({ merchantName: name });
    for (const result of [customer, staff, merchant]) {
      expect(result.success).toBe(false);
      expect(result.error?.issues.some((i) => /name/i.test(i.path.join('.')))).toBe(true);
    }
  });

  it('accepts names in any script', () => {
    expect(createCustomerInput.safeParse({ reference: 'c-2', name: '  山田 太郎  ' })).toMatchObject({ success: true, data: { name: '山田 太郎' } });
    expect(updateMerchantSettingsInput.safeParse({ merchantName: 'Café Ñandú' }).success).toBe(true);
  });
});
