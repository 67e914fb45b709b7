import { z } from 'zod';
import { displayName } from '@/lib/text/display-name';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { customers, type Customer } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { LOCALES } from '@/i18n/locales';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const createCustomerInput = z.object({
  reference: z.string().trim().min(1, 'Enter your reference for this customer').max(64).regex(/^[\w.:-]+$/, 'Use letters, digits, . _ : -'),
  name: displayName('Enter a name'),
  email: z.union([z.literal(''), z.email('Enter a valid email address')]).optional().transform((v) => v || undefined),
  phone: optionalText(32).refine((v) => v === undefined || /^\+?[0-9 ()-]{5,32}$/.test(v), 'Enter a phone number like +63 917 123 4567'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^[A-Z]{2}$/.test(v), 'Use a two-letter country code such as PH'),
  preferredLanguage: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || (LOCALES as readonly string[]).includes(v), 'Choose one of the supported languages'),
});
export type CreateCustomerInput = z.output<typeof createCustomerInput>;

/** Adds a customer; `reference` (the merchant's own id) is unique. Operators and admins. */
export async function createCustomer(db: Db, actor: Actor, input: CreateCustomerInput): Promise<ServiceResult<Customer>> {
  assertCan(actor, 'customers.manage');
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(customers)
      .values({ ...input })
      .onConflictDoNothing({ target: customers.reference })
      .returning();
    if (!created) return fail('reference_taken', 'A customer with this reference already exists.', { reference: ['Already used'] });
    await recordAudit(tx, actor, { action: 'customer.create', objectType: 'customer', objectId: created.id, after: { reference: created.reference, country: created.country } });
    return ok(created);
  });
}
