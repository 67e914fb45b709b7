'use server';

import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { updateScheduleEmailSettings } from '@/lib/schedules/update-email-settings';

// Unticked boxes are absent from the form.
const form = z.object({
  reminder: z.literal('true').optional(),
  reminderDays: z.coerce.number(),
  receipt: z.literal('true').optional(),
  failed: z.literal('true').optional(),
});

export const updateScheduleEmailSettingsAction = staffAction({
  schema: form,
  permission: 'settings.manage',
  run: ({ db, actor }, input) => updateScheduleEmailSettings(db, actor, { reminder: input.reminder === 'true', reminderDays: input.reminderDays, receipt: input.receipt === 'true', failed: input.failed === 'true' }),
  revalidate: '/dashboard/settings',
});
