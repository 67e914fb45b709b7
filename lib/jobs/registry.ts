import type { JobDefinition } from './define-job';
import { expireStalePendingAgreementsJob } from '@/lib/agreements/expire-stale-pending-agreements.job';
import { refreshAgreementTokenJob } from '@/lib/agreements/refresh-agreement-token.job';
import { refreshDueTokensJob } from '@/lib/agreements/refresh-due-tokens.job';
import { pruneIdempotencyKeysJob } from '@/lib/api/prune-idempotency-keys.job';
import { deliverWebhookJob, fanOutWebhooksJob } from '@/lib/webhooks/webhook-jobs.job';
import { resealSecretsJob } from '@/lib/crypto/reseal-secrets.job';
import { pollCustomsDeclarationsJob } from '@/lib/customs/poll-customs-declarations.job';
import { retryAgreementRevokeJob } from '@/lib/agreements/retry-agreement-revoke.job';
import { applyAuthCodeJob } from '@/lib/notifications/apply-auth-code.job';
import { purgeRejectedDeliveriesJob } from '@/lib/notifications/purge-rejected-deliveries.job';
import { requeuePendingNotificationWorkJob } from '@/lib/notifications/requeue-pending-notification-work.job';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { sweepOpenPaymentsJob } from '@/lib/payments/sweep-open-payments.job';
import { fetchSftpJob } from '@/lib/reconciliation/fetch-sftp.job';
import { importReportsJob } from '@/lib/reconciliation/import-reports.job';
import { resolveRefundJob } from '@/lib/refunds/resolve-refund.job';
import { sweepUnsettledRefundsJob } from '@/lib/refunds/sweep-unsettled-refunds.job';
import { runBillingJob } from '@/lib/schedules/run-billing.job';
import { sendScheduleEmailsJob } from '@/lib/schedules/schedule-emails.job';

/** Every job the worker runs. A domain adds its job here (one line), next to its handler file. */
export const JOBS: readonly JobDefinition<never>[] = [
  expireStalePendingAgreementsJob,
  refreshDueTokensJob,
  refreshAgreementTokenJob,
  retryAgreementRevokeJob,
  applyAuthCodeJob,
  requeuePendingNotificationWorkJob,
  purgeRejectedDeliveriesJob,
  resolvePaymentJob,
  sweepOpenPaymentsJob,
  importReportsJob,
  fetchSftpJob,
  pollCustomsDeclarationsJob,
  resolveRefundJob,
  sweepUnsettledRefundsJob,
  resealSecretsJob,
  pruneIdempotencyKeysJob,
  runBillingJob,
  sendScheduleEmailsJob,
  fanOutWebhooksJob,
  deliverWebhookJob,
] as JobDefinition<never>[];
