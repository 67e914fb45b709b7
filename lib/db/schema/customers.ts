import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The merchant's buyers; `reference` is the merchant's own id for them. */
export const customers = pgTable('customers', {
  id: uuid('id').primaryKey().defaultRandom(),
  reference: text('reference').notNull().unique(),
  name: text('name').notNull(),
  email: text('email'),
  phone: text('phone'),
  /** ISO 3166-1 alpha-2, used to order the wallet picker. */
  country: text('country'),
  /** BCP-47 tag of the buyer pages' language. */
  preferredLanguage: text('preferred_language'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  // Dashboard list keyset and header search by email.
  index('customers_created_idx').on(t.createdAt, t.id),
  index('customers_email_idx').on(t.email),
]);

export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;
