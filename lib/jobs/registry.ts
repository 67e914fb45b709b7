import type { JobDefinition } from './define-job';
import { expireStalePendingAgreementsJob } from '@/lib/agreements/expire-stale-pending-agreements.job';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { sweepOpenPaymentsJob } from '@/lib/payments/sweep-open-payments.job';

/** Every job the worker runs. A domain adds its job here (one line), next to its handler file. */
export const JOBS: readonly JobDefinition<never>[] = [expireStalePendingAgreementsJob, resolvePaymentJob, sweepOpenPaymentsJob] as JobDefinition<never>[];
