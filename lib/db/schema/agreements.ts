import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from './customers';
import { staffUsers } from './staff';

export const authorizationLinkStatus = pgEnum('authorization_link_status', ['OPEN', 'USED', 'REVOKED']);

/**
 * A link staff send a buyer to authorize a wallet. The token in the URL is the buyer's only credential, so
 * it is random (128+ bits); the link becomes USED once an agreement results, and stops working when it
 * expires or is revoked.
 */
export const authorizationLinks = pgTable(
  'authorization_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    token: text('token').notNull().unique(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    status: authorizationLinkStatus('status').notNull().default('OPEN'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * A billing plan the buyer sees before agreeing (lib/schedules/link-plan.ts); when the link's agreement
     * activates, a schedule is created from it once (billing_schedules.link_id is unique). Null: no plan.
     */
    plan: jsonb('plan').$type<LinkPlan>(),
  },
  (t) => [index('authorization_links_customer_idx').on(t.customerId)],
);

/**
 * A plan on an authorization link: amount in minor units as a string (exact in JSON) and its currency, the
 * calendar fields of a schedule (lib/schedules/schedule-spec.ts), and the description the buyer sees.
 */
export interface LinkPlan {
  amountMinor: string;
  currency: string;
  description: string;
  intervalUnit: 'day' | 'week' | 'month' | 'year';
  intervalCount: number;
  anchorDay: number | null;
  startDate: string;
  endDate: string | null;
  maxPeriods: number | null;
  timeZone: string;
}

/**
 * PENDING: consult done, buyer sent to the wallet with a single-use authState.
 * APPLYING: an authCode arrived (redirect or AUTHCODE_CREATED) and one caller owns the applyToken call.
 * ACTIVE: tokens stored. DECLINED / FAILED / EXPIRED end an attempt; REVOKED / INVALID end an agreement.
 */
export const agreementStatus = pgEnum('agreement_status', ['PENDING', 'APPLYING', 'ACTIVE', 'DECLINED', 'FAILED', 'EXPIRED', 'REVOKED', 'INVALID']);

/** One buyer × wallet authorization, from its consult attempt to revocation. Tokens are encrypted at rest. */
export const agreements = pgTable(
  'agreements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    linkId: uuid('link_id').references(() => authorizationLinks.id),
    paymentMethod: text('payment_method').notNull(),
    status: agreementStatus('status').notNull().default('PENDING'),
    terminalType: text('terminal_type').notNull(),
    osType: text('os_type'),
    /** HMAC blind index of authState: looked up on return, never stored in clear. */
    authStateIndex: text('auth_state_index').notNull().unique(),
    authStateExpiresAt: timestamp('auth_state_expires_at', { withTimezone: true }).notNull(),
    /** HMAC of the buyer-browser cookie the attempt was started from. */
    buyerBindingIndex: text('buyer_binding_index').notNull(),
    /** HMAC of the authCode that was (or is being) exchanged: a second code is refused, the same one is a duplicate. */
    authCodeIndex: text('auth_code_index').unique(),
    /**
     * HMAC of the authCode Antom paired with this authState in its signed AUTHCODE_CREATED notification.
     * The buyer's return may only exchange this code (a code seen in a URL proves nothing about whose it is).
     */
    notifiedAuthCodeIndex: text('notified_auth_code_index'),
    applyStartedAt: timestamp('apply_started_at', { withTimezone: true }),
    accessTokenCiphertext: text('access_token_ciphertext'),
    accessTokenIndex: text('access_token_index').unique(),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenCiphertext: text('refresh_token_ciphertext'),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    tokenKeyVersion: smallint('token_key_version'),
    /** As Antom returns it: already masked by the wallet, and masked again before storing. */
    userLoginIdMasked: text('user_login_id_masked'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    /** Single-flight claim of the token refresher: set while one worker refreshes, cleared after. */
    tokenRefreshStartedAt: timestamp('token_refresh_started_at', { withTimezone: true }),
    tokenRefreshedAt: timestamp('token_refreshed_at', { withTimezone: true }),
    /** When the refresher renews the access token next (about two thirds into its lifetime); null: never. */
    tokenRefreshDueAt: timestamp('token_refresh_due_at', { withTimezone: true }),
    /**
     * The last refresh's answer was lost (the wallet may have rotated the refresh token): the agreement
     * needs attention, the next step recovers (query, then one refresh with the newest token), and a
     * refusal that follows never invalidates it.
     */
    tokenRefreshUnknownAt: timestamp('token_refresh_unknown_at', { withTimezone: true }),
    /** Why the refresher needs a person (shown on the agreement); null when all is well. */
    tokenRefreshProblem: text('token_refresh_problem'),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
    /** Set by the one caller that owns the revoke call at Antom; concurrent revokers wait for its outcome. */
    revokeStartedAt: timestamp('revoke_started_at', { withTimezone: true }),
    /** Caller address of the start request, for the per-IP cap on new attempts (validated IP text). */
    startIp: text('start_ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('agreements_customer_idx').on(t.customerId, t.createdAt),
    index('agreements_status_idx').on(t.status, t.createdAt),
    // Caps on new attempts per link and per client IP count recent rows.
    index('agreements_link_idx').on(t.linkId, t.createdAt),
    index('agreements_start_ip_idx').on(t.startIp, t.createdAt),
    // The return refuses a code another agreement was notified of.
    index('agreements_notified_code_idx').on(t.notifiedAuthCodeIndex),
    // Dashboard list: wallet filter with the (created_at, id) keyset; header search by masked wallet login.
    index('agreements_method_created_idx').on(t.paymentMethod, t.createdAt, t.id),
    index('agreements_created_idx').on(t.createdAt, t.id),
    index('agreements_login_masked_idx').on(t.userLoginIdMasked),
    // Search by the start of a masked login ("0917***"): LIKE 'prefix%' needs the pattern operator class.
    index('agreements_login_masked_prefix_idx').on(t.userLoginIdMasked.op('text_pattern_ops')),
    // The refresher scans live tokens by expiry, and due refreshes by their due time.
    index('agreements_active_expiry_idx').on(t.accessTokenExpiresAt).where(sql`${t.status} = 'ACTIVE'`),
    index('agreements_refresh_due_idx').on(t.tokenRefreshDueAt).where(sql`${t.status} = 'ACTIVE'`),
    // The key-rotation count and re-seal job find rows sealed under an old key.
    index('agreements_token_key_idx').on(t.tokenKeyVersion),
  ],
);

/**
 * Blind indexes of an agreement's superseded access tokens, kept until each token's own expiry: a
 * TOKEN_CANCELED (or an INVALID_ACCESS_TOKEN) carrying the token from before a refresh still finds its
 * agreement. Written in the same statement batch as the refresh that supersedes the token.
 */
export const agreementTokenHistory = pgTable(
  'agreement_token_history',
  {
    accessTokenIndex: text('access_token_index').primaryKey(),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    /** The superseded token's own expiry (null: unknown, kept for a day after superseding). */
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    supersededAt: timestamp('superseded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('agreement_token_history_agreement_idx').on(t.agreementId), index('agreement_token_history_expiry_idx').on(t.accessTokenExpiresAt)],
);

/** The agreement's timeline: consult, return, applyToken, notifications, revocation. No secrets in `detail`. */
export const agreementEvents = pgTable(
  'agreement_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    type: text('type').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agreement_events_agreement_idx').on(t.agreementId, t.createdAt)],
);

export type AuthorizationLink = typeof authorizationLinks.$inferSelect;
export type Agreement = typeof agreements.$inferSelect;
export type AgreementStatus = (typeof agreementStatus.enumValues)[number];
export type AgreementEvent = typeof agreementEvents.$inferSelect;
export type AgreementTokenHistory = typeof agreementTokenHistory.$inferSelect;
