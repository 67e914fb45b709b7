'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { replayNotification } from '@/lib/notifications/replay-notification';

export const replayNotificationAction = staffAction({
  schema: z.object({ deliveryId: z.uuid() }),
  permission: 'notifications.replay',
  run: async ({ db, actor }, input) => {
    const result = await replayNotification({ ...(await getNotificationDeps()), db }, actor, input);
    revalidatePath('/dashboard/notifications');
    revalidatePath(`/dashboard/notifications/${input.deliveryId}`);
    return result;
  },
});
