import { z } from 'zod';
import { defineJob } from '@/lib/jobs/define-job';
import { REFUND_RESOLVE_JOB } from './refund-deps';
import { resolveRefund } from './resolve-refund';
import { refundJobDeps } from './refund-job-deps';

const data = z.object({ refundId: z.uuid() });

/** One resolver step for one refund (resend, then inquire); the step schedules the next one itself. */
export const resolveRefundJob = defineJob<{ refundId?: unknown }>({
  name: REFUND_RESOLVE_JOB,
  retryLimit: 10,
  retryDelaySeconds: 5,
  run: async (raw, context) => {
    const parsed = data.safeParse(raw);
    if (!parsed.success) return; // a malformed job cannot become valid by retrying
    await resolveRefund(refundJobDeps(context), parsed.data.refundId);
  },
});
