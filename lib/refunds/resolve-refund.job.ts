import { z } from 'zod';
import { defineJob } from '@/lib/jobs/define-job';
import { REFUND_RESOLVE_JOB } from './refund-deps';
import { refundJobDeps, refundNotifyUrl } from './refund-job-deps';
import { resolveRefund } from './resolve-refund';

const data = z.object({ refundId: z.uuid() });

/** The resolver job with a given notify URL source (tests: none; the app: APP_URL). */
export function createResolveRefundJob(notifyUrl: () => string | undefined = refundNotifyUrl) {
  return defineJob<{ refundId?: unknown }>({
    name: REFUND_RESOLVE_JOB,
    retryLimit: 10,
    retryDelaySeconds: 5,
    // A resend of the refund, then an inquiry, neither retried by the transport.
    calls: [
      { operation: 'refund' },
      { operation: 'inquiryRefund' },
    ],
    run: async (raw, context) => {
      const parsed = data.safeParse(raw);
      if (!parsed.success) return; // a malformed job cannot become valid by retrying
      await resolveRefund(refundJobDeps(context, notifyUrl), parsed.data.refundId);
    },
  });
}

/** One resolver step for one refund (resend, then inquire); each step schedules the next itself. */
export const resolveRefundJob = createResolveRefundJob();
