'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { createAuthorizationLink, createAuthorizationLinkInput } from '@/lib/customers/create-authorization-link';
import { createCustomer, createCustomerInput } from '@/lib/customers/create-customer';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { revokeAuthorizationLink, revokeAuthorizationLinkInput } from '@/lib/customers/revoke-authorization-link';

const PLAN_FIELDS: Record<string, string> = { amount: 'planAmount', currency: 'planCurrency', description: 'planDescription', intervalUnit: 'planInterval', intervalCount: 'planEvery', anchorDay: 'planAnchorDay', startDate: 'planStartDate', maxPeriods: 'planCount', endDate: 'planCount', timeZone: 'planStartDate' };

const customerPage = (customerId: string) => `/dashboard/customers/${customerId}`;

export const createCustomerAction = staffAction({
  schema: createCustomerInput,
  permission: 'customers.manage',
  run: ({ db, actor }, input) => createCustomer(db, actor, input),
  revalidate: '/dashboard/customers',
});

// The page offers only these lifetimes; the service itself accepts up to 30 days.
const optionalInt = z.preprocess((v) => (v === '' || v === undefined ? null : Number(v)), z.number().nullable());
const createLinkForm = createAuthorizationLinkInput.extend({
  expiresInHours: z.coerce.number().pipe(z.union([z.literal(24), z.literal(72), z.literal(168)])),
  // An optional billing plan (checked by the service): attached when "withPlan" is ticked.
  withPlan: z.literal('on').optional(),
  planAmount: z.string().max(32).optional(),
  planCurrency: z.string().max(3).optional(),
  planDescription: z.string().max(300).optional(),
  planInterval: z.string().max(8).optional(),
  planEvery: optionalInt,
  planAnchorDay: optionalInt,
  planStartDate: z.string().max(10).optional(),
  planCount: optionalInt,
});

export const createAuthorizationLinkAction = staffAction({
  schema: createLinkForm,
  permission: 'customers.manage',
  run: async ({ db, actor }, input) => {
    const plan = input.withPlan
      ? {
          amount: input.planAmount ?? '',
          currency: input.planCurrency ?? '',
          description: input.planDescription ?? '',
          intervalUnit: input.planInterval ?? '',
          intervalCount: input.planEvery ?? 1,
          anchorDay: input.planAnchorDay,
          startDate: input.planStartDate ?? '',
          maxPeriods: input.planCount,
          timeZone: (await getMerchantSettings(db)).timeZone,
        }
      : null;
    const made = await createAuthorizationLink(db, actor, { customerId: input.customerId, expiresInHours: input.expiresInHours, plan });
    // The form names its plan fields planX: a plan error points at the field it is about.
    const result = !made.ok && made.fieldErrors ? { ...made, fieldErrors: Object.fromEntries(Object.entries(made.fieldErrors).map(([k, v]) => [PLAN_FIELDS[k] ?? k, v])) } : made;
    if (result.ok) revalidatePath(customerPage(input.customerId));
    // Only what the page needs: the token is shown by the re-rendered page, not echoed here.
    return result.ok ? { ok: true as const, data: { linkId: result.data.id } } : result;
  },
});

// customerId only names the page to refresh; the service revokes by link id.
const revokeLinkForm = revokeAuthorizationLinkInput.extend({ customerId: z.uuid() });

export const revokeAuthorizationLinkAction = staffAction({
  schema: revokeLinkForm,
  permission: 'customers.manage',
  confirm: true,
  run: async ({ db, actor }, input) => {
    const result = await revokeAuthorizationLink(db, actor, { linkId: input.linkId });
    if (result.ok) revalidatePath(customerPage(input.customerId));
    return result;
  },
});
