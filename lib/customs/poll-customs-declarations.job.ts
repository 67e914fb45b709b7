import { defineJob } from '@/lib/jobs/define-job';
import { CUSTOMS_POLL_JOB } from './customs-deps';
import { INQUIRY_BATCH, POLL_PER_RUN, pollCustomsDeclarations } from './poll-customs-declarations';

/** Every minute (and soon after each declaration): resend unanswered declares, inquire waiting ones. */
export const pollCustomsDeclarationsJob = defineJob({
  name: CUSTOMS_POLL_JOB,
  cron: '* * * * *',
  retryLimit: 2,
  // Up to POLL_PER_RUN resends, then the waiting ones in batches of INQUIRY_BATCH.
  calls: [
    { operation: 'declare', count: POLL_PER_RUN },
    { operation: 'inquiryDeclarationRequests', count: Math.ceil(POLL_PER_RUN / INQUIRY_BATCH) },
  ],
  run: async (_data, { db, alipay, vault, now, enqueue }) => {
    await pollCustomsDeclarations({ db, alipay, vault, now, enqueue });
  },
});
