/**
 * What every simulated endpoint receives: the store, the clock, the notifier and the resolved options.
 * Handlers are plain functions of (context, call) → answer, so they run the same from HTTP and tests.
 */
import type { SimClock } from './clock';
import type { Notifier } from './notifier';
import type { ClientRecord, SimStore } from './store';
import type { JsonObject } from './validate';

export interface FeeConfig {
  /** Fee on each successful payment in basis points of the amount (rounded half up). */
  rateBps: bigint;
  /** Whether a refund returns the proportional fee (UNVERIFIED per contract; default false). */
  refundReturnsFee: boolean;
}

export interface SimContext {
  store: SimStore;
  clock: SimClock;
  notifier: Notifier;
  /** Base URL used in wallet links (consult answers) — e.g. http://localhost:4010. */
  publicBaseUrl: () => string;
  fees: FeeConfig;
  /** How long a debit-then-timeout answer is held back (real ms). */
  hangMs: number;
  /** Default delay for "in process" scenarios (simulated seconds). */
  processingDelaySeconds: number;
}

export interface AmsCall {
  endpoint: string;
  client: ClientRecord;
  body: JsonObject;
  /** Value of X-Simulator-Scenario, if any. */
  scenarioHeader?: string;
  /** Value of X-Simulator-Delay-Seconds, if any and valid. */
  delaySeconds?: number;
  sandbox: boolean;
  /** Request-Time in epoch ms (already validated). */
  requestTimeMs: number;
}

export interface AmsAnswer {
  body: Record<string, unknown>;
  /** Hold the answer back this long (real ms) — the debit-then-timeout scenario. */
  holdMs?: number;
}

export type AmsHandler = (ctx: SimContext, call: AmsCall) => AmsAnswer;
