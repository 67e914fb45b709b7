import type { JobDefinition } from './define-job';
import { expireStalePendingAgreementsJob } from '@/lib/agreements/expire-stale-pending-agreements.job';
import { resolveRefundJob } from '@/lib/refunds/resolve-refund.job';
import { sweepUnsettledRefundsJob } from '@/lib/refunds/sweep-unsettled-refunds.job';

/** Every job the worker runs. A domain adds its job here (one line), next to its handler file. */
export const JOBS: readonly JobDefinition<never>[] = [expireStalePendingAgreementsJob, resolveRefundJob, sweepUnsettledRefundsJob] as JobDefinition<never>[];
