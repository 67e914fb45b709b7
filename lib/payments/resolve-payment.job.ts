import { defineJob } from '@/lib/jobs/define-job';
import { RESOLVE_PAYMENT_JOB } from './payment-deps';
import { resolvePayment } from './resolve-payment';

/** One resolver step for one payment (`{ paymentId }`); the step schedules the next one itself. */
export const resolvePaymentJob = defineJob<{ paymentId: string }>({
  name: RESOLVE_PAYMENT_JOB,
  retryLimit: 10,
  retryDelaySeconds: 2,
  // The deadline step makes the most calls: inquiry, cancel, inquiry (a resend step makes one pay), each
  // without transport retries.
  calls: [
    { operation: 'inquiryPayment', count: 2 },
    { operation: 'cancel' },
  ],
  run: async ({ paymentId }, context) => {
    if (typeof paymentId !== 'string') return;
    await resolvePayment(context, paymentId);
  },
});
