'use server';

import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { updateDunningSettings } from '@/lib/schedules/update-dunning-settings';

/** Settings → Dunning: the retry ladder and the after-ladder state (the service validates and audits). */
export const updateDunningSettingsAction = staffAction({
  schema: z.object({ ladder: z.string().max(200), afterLadder: z.string().max(20) }),
  permission: 'settings.manage',
  run: ({ db, actor }, input) => updateDunningSettings(db, actor, input),
  revalidate: '/dashboard/settings',
});
