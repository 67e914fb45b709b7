import { defineJob } from '@/lib/jobs/define-job';
import { APPLY_AUTH_CODE_JOB } from './notification-effect';
import { runAuthCodeFollowUp } from './run-auth-code-follow-up';

/** applyToken for a stored AUTHCODE_CREATED, outside the notification's transaction. Data: `{ inboxEventId }`. */
export const applyAuthCodeJob = defineJob<{ inboxEventId: string }>({
  name: APPLY_AUTH_CODE_JOB,
  retryLimit: 8,
  retryDelaySeconds: 5,
  run: async ({ inboxEventId }, { db, alipay, vault, now }) => {
    const result = await runAuthCodeFollowUp({ db, alipay, vault, now, returnUrl: '' }, inboxEventId);
    if (result === 'retry') throw new Error('applyToken still in flight elsewhere; retrying');
  },
});
