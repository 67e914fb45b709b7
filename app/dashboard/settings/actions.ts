'use server';

import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { enqueueJob } from '@/lib/jobs/process-queue';
import { requestReseal } from '@/lib/settings/request-reseal';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { settingsFormInput } from './settings-form-input';

export const updateMerchantSettingsAction = staffAction({
  schema: settingsFormInput,
  permission: 'settings.manage',
  run: ({ db, actor }, input) => updateMerchantSettings(db, actor, input),
  revalidate: '/dashboard/settings',
});

/** Settings → token encryption keys: run the re-seal job now. */
export const requestResealAction = staffAction({
  schema: z.object({}),
  permission: 'settings.manage',
  run: ({ db, actor }) => requestReseal(db, actor, enqueueJob),
  revalidate: '/dashboard/settings',
});
