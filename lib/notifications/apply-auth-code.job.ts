import { defineJob } from '@/lib/jobs/define-job';
import { APPLY_AUTH_CODE_JOB } from './notification-effect';
import { runAuthCodeFollowUp } from './run-auth-code-follow-up';

/** applyToken for a stored AUTHCODE_CREATED, outside the notification's transaction. Data: `{ inboxEventId }`. */
export const applyAuthCodeJob = defineJob<{ inboxEventId: string }>({
  name: APPLY_AUTH_CODE_JOB,
  retryLimit: 8,
  retryDelaySeconds: 5,
  // applyToken (exchangeAuthCode); at worst two revokes: the token of a link revoked meanwhile, and the
  // token of an agreement that misused the code. The wait for another caller's applyToken (APPLY_WAIT_MS)
  // is within the default work time.
  calls: [
    { operation: 'applyToken' },
    { operation: 'revoke', count: 2 },
  ],
  run: async ({ inboxEventId }, { db, alipay, vault, now }) => {
    const result = await runAuthCodeFollowUp({ db, alipay, vault, now, returnUrl: '' }, inboxEventId);
    if (result === 'retry') throw new Error('applyToken still in flight elsewhere; retrying');
  },
});
