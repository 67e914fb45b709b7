import type { JobDefinition } from './define-job';
import { expireStalePendingAgreementsJob } from '@/lib/agreements/expire-stale-pending-agreements.job';
import { importReportsJob } from '@/lib/reconciliation/import-reports.job';
import { pollCustomsDeclarationsJob } from '@/lib/customs/poll-customs-declarations.job';

/** Every job the worker runs. A domain adds its job here (one line), next to its handler file. */
export const JOBS: readonly JobDefinition<never>[] = [expireStalePendingAgreementsJob, importReportsJob, pollCustomsDeclarationsJob] as JobDefinition<never>[];
