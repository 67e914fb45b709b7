import { defineJob } from '@/lib/jobs/define-job';
import { sweepOpenPayments } from './sweep-open-payments';

/** Every minute: no open payment is left without a resolver (lost jobs, crashes between commit and call). */
export const sweepOpenPaymentsJob = defineJob({
  name: 'payments-sweep-open',
  cron: '* * * * *',
  retryLimit: 2,
  calls: [],
  run: async (_data, context) => {
    await sweepOpenPayments(context);
  },
});
