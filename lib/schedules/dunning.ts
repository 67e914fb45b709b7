import { RESULT_CODES } from '@/lib/alipay';
import { isSoftDecline } from '@/lib/intents/intent-rules';

/**
 * Dunning: what happens after a period's charge ends without a debit.
 *
 * Soft declines (the buyer can fix it: balance, risk hold, verification, limits; or the attempt ended without an
 * answer: expired, closed, cancelled by the resolver) are retried on the merchant's ladder — days after the
 * period's due date, default 1, 3, 5, 7 — never more than once a day. A hard decline (the token is invalid or
 * revoked, the account is closed, the request or configuration is wrong) stops at once. The soft / hard split is
 * the charge intents' own (lib/intents/intent-rules.ts isSoftDecline, over the result codes of lib/alipay).
 */

export const DEFAULT_DUNNING_LADDER = [1, 3, 5, 7] as const;
export const MAX_LADDER_STEPS = 10;
export const MAX_LADDER_DAY = 60;
export type AfterLadder = 'PAST_DUE' | 'UNPAID';
export const DAY_MS = 86_400_000;

export interface DunningSettings {
  ladderDays: readonly number[];
  afterLadder: AfterLadder;
}

export function dunningSettingsOf(row: { dunningLadderDays?: number[] | null; dunningAfterLadder?: string | null }): DunningSettings {
  const ladder = row.dunningLadderDays && validLadder(row.dunningLadderDays) ? row.dunningLadderDays : [...DEFAULT_DUNNING_LADDER];
  return { ladderDays: ladder, afterLadder: row.dunningAfterLadder === 'UNPAID' ? 'UNPAID' : 'PAST_DUE' };
}

function validLadder(days: readonly number[]): boolean {
  return days.length <= MAX_LADDER_STEPS && days.every((d, i) => Number.isInteger(d) && d >= 1 && d <= MAX_LADDER_DAY && (i === 0 || d > days[i - 1]!));
}

/** "1, 3, 5, 7" → [1, 3, 5, 7], or a sentence saying what is wrong. An empty ladder means no retries. */
export function parseLadder(text: string): { ok: true; days: number[] } | { ok: false; error: string } {
  const parts = text.split(/[,\s]+/).filter((p) => p.length > 0);
  const days = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (days.some((d) => Number.isNaN(d))) return { ok: false, error: 'List whole days after the due date, e.g. 1, 3, 5, 7.' };
  if (days.length > MAX_LADDER_STEPS) return { ok: false, error: `At most ${MAX_LADDER_STEPS} retries.` };
  if (!validLadder(days)) return { ok: false, error: `Days go up, each from 1 to ${MAX_LADDER_DAY} (at most one retry a day).` };
  return { ok: true, days };
}

/** How many attempts a period's intent may have: the first and one per step of the ladder. */
export function maxAttemptsFor(settings: DunningSettings): number {
  return 1 + settings.ladderDays.length;
}

export type DeclineKind = 'soft' | 'hard';

export function declineKind(code: string | null | undefined): DeclineKind {
  return isSoftDecline(code) ? 'soft' : 'hard';
}

/** The decline in words, for the timeline. */
export function declineWords(code: string | null | undefined, message: string | null | undefined): string {
  if (code === 'CANCELLED_BY_RESOLVER') return 'No final answer came before the payment expired; nothing was debited.';
  const info = code ? RESULT_CODES[code] : undefined;
  return info?.meaning.en ?? message ?? code ?? 'Declined without a reason.';
}

/**
 * When to try a period again after `tries` attempts ended without a debit, or null when the ladder is done.
 * Step k (the k-th retry) is `dueAt + ladder[k-1] days`, but never sooner than one day after the last attempt.
 */
export function nextRetryAt(input: { dueAt: Date; tries: number; lastTriedAt: Date; settings: DunningSettings }): Date | null {
  const step = input.tries - 1;
  const days = input.settings.ladderDays[step];
  if (days === undefined) return null;
  const onLadder = input.dueAt.getTime() + days * DAY_MS;
  const notBefore = input.lastTriedAt.getTime() + DAY_MS;
  return new Date(Math.max(onLadder, notBefore));
}
