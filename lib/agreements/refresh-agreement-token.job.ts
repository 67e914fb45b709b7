import { defineJob } from '@/lib/jobs/define-job';
import { metrics } from '@/lib/metrics';
import { refreshAgreementToken } from './refresh-agreement-token';
import { REFRESH_TOKEN_JOB } from './refresh-due-tokens';

/**
 * Refreshes one agreement's token. Data: `{ agreementId }`. A lost answer → throw: the retry (with back-off)
 * runs the recovery step (token query, then one refresh with the newest stored token), never a blind resend.
 */
export const refreshAgreementTokenJob = defineJob<{ agreementId: string }>({
  name: REFRESH_TOKEN_JOB,
  retryLimit: 5,
  retryDelaySeconds: 10,
  // One applyToken (REFRESH_TOKEN) with the client's transport retries.
  calls: [{ operation: 'queryToken' }, { operation: 'applyToken.refresh' }],
  run: async ({ agreementId }, { db, alipay, vault, now }) => {
    const result = await refreshAgreementToken({ db, alipay, vault, now, returnUrl: '' }, agreementId);
    metrics().tokenRefreshes.inc({ outcome: result.kind });
    if (result.kind === 'unknown') throw new Error(`token refresh unanswered; recovering at the retry (${result.reason})`);
  },
});
