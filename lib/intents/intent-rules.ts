import { RESULT_CODES } from '@/lib/alipay';
import type { ChargeIntent, IntentRetryPolicy, Payment, PaymentStatus } from '@/lib/db/schema';

/**
 * The rules of a charge intent (architecture.md §4 "Charge: intents and attempts"). The database enforces the
 * structural ones (one open attempt, one succeeded attempt, a new attempt only after the previous ended without
 * a debit and while the policy allows: drizzle/0012_charge_intents.sql); this module says the same in words and
 * decides what only the application knows: whether a decline is soft.
 */

/** Attempt statuses that are still open: the intent is in progress while one exists. */
export const OPEN_ATTEMPT_STATUSES = ['REQUIRES_CONFIRMATION', 'CREATED', 'PROCESSING', 'UNKNOWN'] as const satisfies readonly PaymentStatus[];

/** An intent's status, derived from its attempts (never stored). */
export type IntentStatus = 'open' | 'succeeded' | 'failed' | 'canceled';

type AttemptState = Pick<Payment, 'status' | 'succeededAt'>;

export function isOpenAttempt(status: PaymentStatus): boolean {
  return (OPEN_ATTEMPT_STATUSES as readonly PaymentStatus[]).includes(status);
}

/** True when money moved on this attempt at some point (SUCCEEDED, or CANCELLED after a success). */
export function wasDebited(attempt: AttemptState): boolean {
  return attempt.status === 'SUCCEEDED' || attempt.succeededAt !== null;
}

/**
 * The intent's status from its attempts: succeeded if any attempt succeeded (and was not cancelled after),
 * canceled if a debited attempt was cancelled, open while the latest attempt is open, else the latest's end.
 */
export function intentStatusOf(attempts: readonly AttemptState[]): IntentStatus {
  if (attempts.some((a) => a.status === 'SUCCEEDED')) return 'succeeded';
  if (attempts.some((a) => a.status === 'CANCELLED' && a.succeededAt !== null)) return 'canceled';
  const latest = attempts.at(-1);
  if (!latest || isOpenAttempt(latest.status)) return 'open';
  return latest.status === 'CANCELLED' ? 'canceled' : 'failed';
}

/** Codes that end without a debit and may succeed later (the buyer tops up, the risk hold clears, it expired). */
const SOFT_WITHOUT_ACTION = new Set(['ORDER_IS_CLOSED', 'ORDER_NOT_EXIST', 'CANCELLED_BY_RESOLVER', 'PAYMENT_IN_PROCESS', 'PROCESS_FAIL', 'UNKNOWN_EXCEPTION', 'SYSTEM_ERROR']);

/**
 * A soft decline may be retried with a new attempt: the buyer can fix it (balance, verification, limits), or the
 * attempt ended without an answer (expired, closed, cancelled by the resolver). A hard decline — the token is
 * invalid or revoked, the account is closed, the request or the merchant's configuration is wrong — ends the
 * intent. An unknown code is hard: never retry what we cannot name.
 */
export function isSoftDecline(resultCode: string | null | undefined): boolean {
  if (!resultCode) return false;
  if (SOFT_WITHOUT_ACTION.has(resultCode)) return true;
  const info = RESULT_CODES[resultCode];
  if (!info) return false;
  if (info.actions.some((a) => a === 'reauthorize' || a === 'fix_input' || a === 'contact_antom')) return false;
  return info.actions.some((a) => a === 'ask_buyer' || a === 'retry_same_id' || a === 'inquire');
}

/** The retry policy an intent gets when its creator does not choose one. */
export function defaultRetryPolicy(source: ChargeIntent['source']): { retryPolicy: IntentRetryPolicy; maxAttempts: number } {
  // A buyer's confirm link is one click for one attempt; everyone else may try again after a soft decline.
  return source === 'buyer' ? { retryPolicy: 'none', maxAttempts: 1 } : { retryPolicy: 'soft_declines', maxAttempts: 3 };
}

export type RetryVerdict = { ok: true; attemptNumber: number } | { ok: false; reason: 'in_progress' | 'succeeded' | 'canceled' | 'hard_decline' | 'policy'; message: string };

/**
 * May this intent get a new attempt now? The same answer the database's guard gives, in words, checked first so
 * the person hears why (the guard still decides a race).
 */
export function retryVerdict(intent: Pick<ChargeIntent, 'retryPolicy' | 'maxAttempts'>, attempts: readonly (AttemptState & Pick<Payment, 'attemptNumber' | 'failureCode' | 'resultCode' | 'failureMessage'>)[]): RetryVerdict {
  const latest = attempts.at(-1);
  if (!latest) return { ok: true, attemptNumber: 1 };
  if (attempts.some((a) => a.status === 'SUCCEEDED')) return { ok: false, reason: 'succeeded', message: 'This order is already paid.' };
  if (attempts.some((a) => a.succeededAt !== null)) return { ok: false, reason: 'canceled', message: 'This order was paid and then cancelled; use a new order reference to charge again.' };
  if (isOpenAttempt(latest.status)) return { ok: false, reason: 'in_progress', message: 'A payment for this order is still in progress.' };
  const code = latest.failureCode ?? latest.resultCode;
  if (latest.status === 'FAILED' && !isSoftDecline(code)) {
    return { ok: false, reason: 'hard_decline', message: `The last attempt was declined for good (${latest.failureMessage ?? code ?? 'declined'}); use a new order reference after fixing the cause.` };
  }
  if (intentRetryExhausted(intent, attempts.length)) {
    const made = attempts.length === 1 ? 'one attempt' : `${attempts.length} attempts`;
    return { ok: false, reason: 'policy', message: `This order allows no further attempt (${made} made); use a new order reference.` };
  }
  return { ok: true, attemptNumber: latest.attemptNumber + 1 };
}

function intentRetryExhausted(intent: Pick<ChargeIntent, 'retryPolicy' | 'maxAttempts'>, made: number): boolean {
  return intent.retryPolicy === 'none' || made >= intent.maxAttempts;
}
