import { defineJob } from '@/lib/jobs/define-job';
import { refreshDueTokens } from './refresh-due-tokens';

/** Every minute: queue each refresh falling due before the next run, at its due time (refresh-schedule.ts). */
export const refreshDueTokensJob = defineJob({
  name: 'agreements-refresh-due',
  cron: '* * * * *',
  retryLimit: 1,
  calls: [],
  run: async (_data, { db, enqueue, now }) => {
    await refreshDueTokens(db, enqueue, now());
  },
});
