'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { settingsFormInput } from './settings-form-input';

export const updateMerchantSettingsAction = staffAction({
  schema: settingsFormInput,
  permission: 'settings.manage',
  run: ({ db, actor }, input) => updateMerchantSettings(db, actor, input),
  revalidate: '/dashboard/settings',
});
