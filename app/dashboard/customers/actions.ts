'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { createAuthorizationLink, createAuthorizationLinkInput } from '@/lib/customers/create-authorization-link';
import { createCustomer, createCustomerInput } from '@/lib/customers/create-customer';
import { revokeAuthorizationLink, revokeAuthorizationLinkInput } from '@/lib/customers/revoke-authorization-link';

const customerPage = (customerId: string) => `/dashboard/customers/${customerId}`;

export const createCustomerAction = staffAction({
  schema: createCustomerInput,
  permission: 'customers.manage',
  run: ({ db, actor }, input) => createCustomer(db, actor, input),
  revalidate: '/dashboard/customers',
});

// The page offers only these lifetimes; the service itself accepts up to 30 days.
const createLinkForm = createAuthorizationLinkInput.extend({
  expiresInHours: z.coerce.number().pipe(z.union([z.literal(24), z.literal(72), z.literal(168)])),
});

export const createAuthorizationLinkAction = staffAction({
  schema: createLinkForm,
  permission: 'customers.manage',
  run: async ({ db, actor }, input) => {
    const result = await createAuthorizationLink(db, actor, input);
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
