import type { AlipayClient } from '@/lib/alipay';
import type { RetryOperation } from '@/lib/alipay/retry-policy';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';

export interface EnqueueOptions {
  /** Run no earlier than this many seconds from now (back-off, deadlines). */
  startAfterSeconds?: number;
  /**
   * At most one queued job per key and name (e.g. `payment:<id>`): a second enqueue while one is waiting
   * is dropped, so sweeps and notifications can enqueue freely.
   */
  singletonKey?: string;
}

/** Adds a job. Jobs carry ids only; the handler re-reads the truth from the database. */
export type Enqueue = (name: string, data: Record<string, unknown>, options?: EnqueueOptions) => Promise<void>;

/** What every job handler gets: the process's database, AMS client, token vault, clock and queue. */
export interface JobContext {
  db: Db;
  alipay: AlipayClient;
  vault: TokenVault;
  now: () => Date;
  enqueue: Enqueue;
}

/**
 * Calls of one AMS operation that one run of a job may make. Their transport retries are the operation's in the
 * one retry table (lib/alipay/retry-policy.ts), so the lease follows that table.
 */
export interface JobCall {
  readonly operation: RetryOperation;
  /** How many such calls one run makes at most (default 1). */
  readonly count?: number;
}

export interface JobDefinition<D extends Record<string, unknown> = Record<string, unknown>> {
  /** Queue name, kebab-case (`payment-resolve`). */
  readonly name: string;
  /** Cron schedule (UTC) for sweeps; the handler then receives `{}`. */
  readonly cron?: string;
  /** Retries after a throw (default 5), with exponential back-off from retryDelaySeconds (default 2). */
  readonly retryLimit?: number;
  readonly retryDelaySeconds?: number;
  /**
   * The AMS calls one run makes at worst, one after another (`[]` for none). The job's lease — how long a
   * run may take before pg-boss takes it as crashed and runs it again — is derived from them
   * (lib/jobs/job-lease.ts): a lease shorter than a run's slowest calls would start a second copy of a
   * run that is still waiting on Antom.
   */
  readonly calls: readonly JobCall[];
  /** Time a run may spend besides its AMS calls: database work, waits, files (default 60 s). */
  readonly workSeconds?: number;
  /**
   * Does the work. Must be idempotent: a job can run twice (crash after the effect, before completion)
   * and two workers can run different jobs at once. Throw to retry with back-off.
   */
  readonly run: (data: D, context: JobContext) => Promise<void>;
}

/** Declares a job; the handler file exports it and lib/jobs/registry.ts lists it. */
export function defineJob<D extends Record<string, unknown>>(definition: JobDefinition<D>): JobDefinition<D> {
  return definition;
}
