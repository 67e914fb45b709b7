import type { JobDefinition } from './define-job';
import { expireStalePendingAgreementsJob } from '@/lib/agreements/expire-stale-pending-agreements.job';
import { importReportsJob } from '@/lib/reconciliation/import-reports.job';

/** Every job the worker runs. A domain adds its job here (one line), next to its handler file. */
export const JOBS: readonly JobDefinition<never>[] = [expireStalePendingAgreementsJob, importReportsJob] as JobDefinition<never>[];
