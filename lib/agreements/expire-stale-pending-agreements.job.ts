import { defineJob } from '@/lib/jobs/define-job';
import { expireStalePendingAgreements } from './expire-stale-pending-agreements';

/** Every 5 minutes: abandoned authorization attempts become EXPIRED. */
export const expireStalePendingAgreementsJob = defineJob({
  name: 'agreements-expire-pending',
  cron: '*/5 * * * *',
  retryLimit: 2,
  calls: [],
  run: async (_data, { db, now }) => {
    await expireStalePendingAgreements(db, now());
  },
});
