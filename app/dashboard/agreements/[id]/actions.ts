'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { staffAction } from '@/lib/auth/staff-action';

export const revokeAgreementAction = staffAction({
  schema: z.object({ agreementId: z.uuid() }),
  permission: 'payments.cancel',
  run: async ({ actor }, input) => {
    const result = await revokeAgreement(await getAgreementDeps(), { agreementId: input.agreementId, by: { kind: 'staff', actor } });
    // Revalidate on failure too: a failed revoke still adds a timeline entry.
    revalidatePath(`/dashboard/agreements/${input.agreementId}`);
    return result;
  },
});
