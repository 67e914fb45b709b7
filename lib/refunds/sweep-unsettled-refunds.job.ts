import { defineJob } from '@/lib/jobs/define-job';
import { refundJobDeps } from './refund-job-deps';
import { sweepUnsettledRefunds } from './sweep-unsettled-refunds';

/** Every minute: refunds left PENDING / UNKNOWN by a crash or a lost job go back to the resolver. */
export const sweepUnsettledRefundsJob = defineJob({
  name: 'refunds-sweep-unsettled',
  cron: '* * * * *',
  retryLimit: 2,
  run: async (_data, context) => {
    // Older than one worst-case refund call (plus margin): the web request that sent it has given up by then.
    await sweepUnsettledRefunds(refundJobDeps(context), { staleMs: context.alipay.worstCaseCallMs(1) + 30_000 });
  },
});
