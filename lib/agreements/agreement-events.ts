import type { CallOutcome } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { agreementEvents } from '@/lib/db/schema';

/** What caused a state change that no staff member or buyer clicked for. */
export type EventCause = 'buyer' | 'staff' | 'notification' | 'job' | 'api' | 'system';

/** How one AMS call ended (lib/alipay classifyCall). Rows written before it used 'success'. */
export type CallKind = CallOutcome<unknown>['kind'];

/**
 * Every agreement timeline entry, by type, with the shape of its detail. The timeline wording
 * (app/dashboard/agreements/[id]/describe-event.ts) switches over this union exhaustively, and a test checks
 * every type has en + zh-CN words, so a new event cannot be forgotten by the page or the translations.
 * Details never carry tokens, codes or authState.
 */
export interface AgreementEventDetails {
  consult: { outcome: CallKind; resultCode: string; terminalType: string; osType: string | null };
  returned: { withCode: boolean };
  apply_token: { source: 'redirect' | 'notification'; outcome: CallKind; resultCode: string };
  notification: { type: string; reason?: string | null; applied?: boolean; earlierToken?: boolean };
  /** by 'system': a token obtained for an attempt that lost its link, revoked unused. */
  revoke: { by: 'buyer' | 'staff' | 'system'; outcome: CallKind; resultCode: string };
  return_refused: { reason: string };
  /** A signed notification that was valid but not applied (e.g. its authCode differs from the pairing). */
  notification_refused: { type: string; reason: string };
  expired: { cause: EventCause; reason: string };
  invalidated: { cause: EventCause; reason: string; resultCode: string | null };
  /** The refresher's REFRESH_TOKEN call (lib/agreements/refresh-agreement-token.ts). */
  token_refreshed: { outcome: CallKind; resultCode: string; accessTokenExpiresAt: string | null; claimLost?: boolean };
  /** After a lost refresh answer: authorizations/query asked where the token stands. */
  token_queried: { outcome: CallKind; resultCode: string; tokenStatus: string | null };
  /** The query reported a newer refresh token (the one the lost answer carried); it was stored. */
  refresh_token_recovered: { via: string };
  /** A merchant-side configuration code stopped refreshes for everyone (raised: this refusal raised the alert). */
  token_refresh_halted: { resultCode: string; raised: boolean };
  /** A grant refusal after our own lost answer: kept ACTIVE, a person decides. */
  token_refresh_needs_attention: { resultCode: string };
  /** Another refusal (neither grant nor configuration): retried later, agreement ACTIVE. */
  token_refresh_refused: { resultCode: string };
  /** A refresh answer for a refresh token this agreement no longer holds: nothing changed. */
  token_refresh_superseded: { resultCode: string };
  /** An ACTIVE agreement whose refresh token ran out: the buyer must authorize again. */
  token_expired: { cause: EventCause; reason: string };
}

export type AgreementEventType = keyof AgreementEventDetails;

export const AGREEMENT_EVENT_TYPES = ['consult', 'returned', 'apply_token', 'notification', 'revoke', 'return_refused', 'notification_refused', 'expired', 'invalidated', 'token_refreshed', 'token_expired', 'token_queried', 'refresh_token_recovered', 'token_refresh_halted', 'token_refresh_needs_attention', 'token_refresh_refused', 'token_refresh_superseded'] as const satisfies readonly AgreementEventType[];

/** Appends one timeline entry of a known type. */
export async function recordAgreementEvent<T extends AgreementEventType>(db: Db, agreementId: string, type: T, detail: AgreementEventDetails[T]): Promise<void> {
  await db.insert(agreementEvents).values({ agreementId, type, detail: detail as Record<string, unknown> });
}
