import type { AlipayClient } from '@/lib/alipay';
import type { JobDefinition } from './define-job';

/** Added to every lease: the queue's own bookkeeping and clock differences between workers. */
export const LEASE_MARGIN_SECONDS = 30;
/** A run's time besides its AMS calls when the job does not say (database work, enqueues). */
export const DEFAULT_WORK_SECONDS = 60;

type CallTiming = Pick<AlipayClient, 'worstCaseCallMs'>;

/**
 * The longest one run of the job can take: each declared AMS call at its worst (every attempt timing out
 * at ALIPAY_TIMEOUT_MS, plus the transport's back-off between its retries), in sequence, plus its other work.
 */
export function worstCaseRunMs(job: Pick<JobDefinition<never>, 'calls' | 'workSeconds'>, client: CallTiming): number {
  let ms = (job.workSeconds ?? DEFAULT_WORK_SECONDS) * 1000;
  for (const call of job.calls) ms += (call.count ?? 1) * client.worstCaseCallMs(call.operation);
  return ms;
}

/**
 * pg-boss's expireInSeconds for the job: its worst-case run plus a margin. A running job is only taken
 * as crashed (and run again) after this, so a slow but live run never has a twin; a crashed one is
 * retried as soon as it safely can be.
 */
export function jobLeaseSeconds(job: Pick<JobDefinition<never>, 'calls' | 'workSeconds'>, client: CallTiming): number {
  return Math.ceil(worstCaseRunMs(job, client) / 1000) + LEASE_MARGIN_SECONDS;
}
