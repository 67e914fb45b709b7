import { log } from '@/lib/log';
import { env } from '@/lib/env';
import { defineJob } from '@/lib/jobs/define-job';
import { purgeRejectedDeliveries } from './purge-rejected-deliveries';

/** Every hour: records of refused notifications older than NOTIFICATION_REJECTED_RETENTION_DAYS go. */
export const purgeRejectedDeliveriesJob = defineJob({
  name: 'notifications-purge-rejected',
  cron: '17 * * * *',
  retryLimit: 2,
  calls: [],
  run: async (_data, { db, now }) => {
    const removed = await purgeRejectedDeliveries(db, env().NOTIFICATION_REJECTED_RETENTION_DAYS, now());
    if (removed > 0) log().info(`purged ${removed} records of rejected notifications`);
  },
});
