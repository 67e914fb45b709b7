'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { updateTwoFactorSettings, updateTwoFactorSettingsInput } from '@/lib/settings/update-two-factor-settings';

export const updateTwoFactorSettingsAction = staffAction({
  schema: updateTwoFactorSettingsInput,
  permission: 'settings.manage',
  run: ({ db, actor }, input) => updateTwoFactorSettings(db, actor, input),
  revalidate: '/dashboard/settings',
});
