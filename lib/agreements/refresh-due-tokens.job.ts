import { env } from '@/lib/env';
import { defineJob } from '@/lib/jobs/define-job';
import { refreshDueTokens } from './refresh-due-tokens';

/** Every minute: queue a refresh for each access token inside the margin (TOKEN_REFRESH_MARGIN_SECONDS). */
export const refreshDueTokensJob = defineJob({
  name: 'agreements-refresh-due',
  cron: '* * * * *',
  retryLimit: 1,
  calls: [],
  run: async (_data, { db, enqueue, now }) => {
    await refreshDueTokens(db, enqueue, now(), env().TOKEN_REFRESH_MARGIN_SECONDS * 1000);
  },
});
