import { defineJob } from '@/lib/jobs/define-job';
import { CUSTOMS_POLL_JOB } from './customs-deps';
import { pollCustomsDeclarations } from './poll-customs-declarations';

/** Every minute (and soon after each declaration): resend unanswered declares, inquire waiting ones. */
export const pollCustomsDeclarationsJob = defineJob({
  name: CUSTOMS_POLL_JOB,
  cron: '* * * * *',
  retryLimit: 2,
  run: async (_data, { db, alipay, vault, now, enqueue }) => {
    await pollCustomsDeclarations({ db, alipay, vault, now, enqueue });
  },
});
