import { defineJob } from '@/lib/jobs/define-job';
import { sweepUnsettledRefunds } from './sweep-unsettled-refunds';

/** Every minute: refunds left PENDING / UNKNOWN by a crash or a lost job go back to the resolver. */
export const sweepUnsettledRefundsJob = defineJob({
  name: 'refunds-sweep-unsettled',
  cron: '* * * * *',
  retryLimit: 2,
  calls: [],
  run: async (_data, { db, enqueue, now, alipay }) => {
    // Older than one worst-case refund call (plus margin): the web request that sent it has given up by then.
    await sweepUnsettledRefunds({ db, enqueue, now }, { staleMs: alipay.worstCaseCallMs('refund') + 30_000 });
  },
});
