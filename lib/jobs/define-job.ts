import type { AlipayClient } from '@/lib/alipay';
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

export interface JobDefinition<D extends Record<string, unknown> = Record<string, unknown>> {
  /** Queue name, kebab-case (`payment-resolve`). */
  readonly name: string;
  /** Cron schedule (UTC) for sweeps; the handler then receives `{}`. */
  readonly cron?: string;
  /** Retries after a throw (default 5), with exponential back-off from retryDelaySeconds (default 2). */
  readonly retryLimit?: number;
  readonly retryDelaySeconds?: number;
  /** A run longer than this is taken as crashed and retried (default 300 s). */
  readonly expireInSeconds?: number;
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
