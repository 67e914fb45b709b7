import { env } from '@/lib/env';
import { defineJob } from '@/lib/jobs/define-job';
import { refreshAgreementToken } from './refresh-agreement-token';
import { REFRESH_TOKEN_JOB } from './refresh-due-tokens';

/** Refreshes one agreement's token. Data: `{ agreementId }`. No answer → throw, retried with back-off. */
export const refreshAgreementTokenJob = defineJob<{ agreementId: string }>({
  name: REFRESH_TOKEN_JOB,
  retryLimit: 5,
  retryDelaySeconds: 10,
  // One applyToken (REFRESH_TOKEN) with the client's transport retries.
  calls: [{ endpoint: 'applyToken' }],
  run: async ({ agreementId }, { db, alipay, vault, now }) => {
    const result = await refreshAgreementToken({ db, alipay, vault, now, returnUrl: '' }, agreementId, { marginMs: env().TOKEN_REFRESH_MARGIN_SECONDS * 1000 });
    if (result.kind === 'unknown') throw new Error(`token refresh unanswered; retrying (${result.reason})`);
  },
});
