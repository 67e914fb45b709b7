import { defineJob } from '@/lib/jobs/define-job';
import { RETRY_REVOKE_JOB, retryAgreementRevoke } from './retry-agreement-revoke';

/** Resends an unanswered merchant-side revoke until Antom answers (back-off from 30 s, 10 tries ≈ 8 h). */
export const retryAgreementRevokeJob = defineJob<{ agreementId: string; revokedBy: string }>({
  name: RETRY_REVOKE_JOB,
  retryLimit: 10,
  retryDelaySeconds: 30,
  calls: [{ operation: 'revoke' }],
  run: async ({ agreementId, revokedBy }, { db, alipay, vault, now }) => {
    const result = await retryAgreementRevoke({ db, alipay, vault, now, returnUrl: '' }, agreementId, revokedBy);
    if (result === 'unknown') throw new Error('revoke still unanswered; retrying');
  },
});
