import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const staffRole = pgEnum('staff_role', ['admin', 'operator', 'viewer']);

/** People who sign in to the dashboard. Passwords are argon2id hashes; emails are stored lower-case. */
export const staffUsers = pgTable('staff_users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: staffRole('role').notNull().default('viewer'),
  /** Consecutive failed sign-ins since the last success or lock. */
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  /** Progressive throttle: sign-in attempts before this instant are refused without being counted. */
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  /** The staff member's own time zone (IANA), overriding the merchant's; null: the merchant's. */
  timeZone: text('time_zone'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Server-side session records. The next-auth cookie only carries this row's id; the row decides whether the
 * session is alive (idle 15 min, absolute 12 h, revocable by an admin), so killing a session is one UPDATE.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** When this session passed the second factor (TOTP or a recovery code); null: not yet. */
    secondFactorAt: timestamp('second_factor_at', { withTimezone: true }),
    /** Wrong second-factor codes in this session; the fifth ends it (sign in with the password again). */
    secondFactorFailures: integer('second_factor_failures').notNull().default(0),
  },
  (t) => [index('staff_sessions_user_idx').on(t.userId).where(sql`${t.revokedAt} is null`)],
);

/**
 * A staff member's TOTP secret (RFC 6238), sealed by the token vault (AAD names the user). Unconfirmed until the
 * first code from the authenticator app is accepted; an unconfirmed row is an enrollment in progress.
 */
export const staffTotp = pgTable('staff_totp', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => staffUsers.id),
  secretCiphertext: text('secret_ciphertext').notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** TOTP time steps already accepted per user: a code is good once (replay protection across its window). */
export const staffTotpUsedSteps = pgTable(
  'staff_totp_used_steps',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    timeStep: bigint('time_step', { mode: 'number' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.timeStep] })],
);

/** Ten one-time recovery codes per enrolled user, stored as SHA-256 of the code (80 random bits each). */
export const staffRecoveryCodes = pgTable(
  'staff_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    codeHash: text('code_hash').notNull().unique(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('staff_recovery_codes_user_idx').on(t.userId)],
);

export type StaffUser = typeof staffUsers.$inferSelect;
export type NewStaffUser = typeof staffUsers.$inferInsert;
export type StaffSession = typeof staffSessions.$inferSelect;
export type StaffRole = (typeof staffRole.enumValues)[number];
