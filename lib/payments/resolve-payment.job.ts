import { defineJob } from '@/lib/jobs/define-job';
import { RESOLVE_PAYMENT_JOB } from './payment-deps';
import { resolvePayment } from './resolve-payment';

/** One resolver step for one payment (`{ paymentId }`); the step schedules the next one itself. */
export const resolvePaymentJob = defineJob<{ paymentId: string }>({
  name: RESOLVE_PAYMENT_JOB,
  retryLimit: 10,
  retryDelaySeconds: 2,
  // One step makes at most two AMS calls without transport retries.
  expireInSeconds: 120,
  run: async ({ paymentId }, context) => {
    if (typeof paymentId !== 'string') return;
    await resolvePayment(context, paymentId);
  },
});
