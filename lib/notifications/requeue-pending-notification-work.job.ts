import { defineJob } from '@/lib/jobs/define-job';
import { requeuePendingNotificationWork } from './requeue-pending-notification-work';

/** Every minute: follow-ups that missed their after-commit enqueue are enqueued again. */
export const requeuePendingNotificationWorkJob = defineJob({
  name: 'notifications-requeue-pending',
  cron: '* * * * *',
  retryLimit: 1,
  calls: [],
  run: async (_data, { db, enqueue, now }) => {
    await requeuePendingNotificationWork(db, enqueue, now());
  },
});
