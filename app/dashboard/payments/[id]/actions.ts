'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/staff-action';
import { getRefundDeps } from '@/lib/refunds/app-deps';
import { createRefund, createRefundInput } from '@/lib/refunds/create-refund';

/** Refund from the payment page. The service checks `refunds.create` and the amount limit again. */
export const createRefundAction = staffAction({
  schema: createRefundInput,
  permission: 'refunds.create',
  run: async ({ actor }, input) => {
    const result = await createRefund(await getRefundDeps(), actor, input);
    // Revalidate on refusals too: a declined refund still adds a row and timeline entries.
    revalidatePath(`/dashboard/payments/${input.paymentId}`);
    if (!result.ok) return result;
    // Only what the form shows goes back to the browser (no hashes or operation fingerprints).
    return { ok: true, data: { refundId: result.data.refund.id, state: result.data.state, amountMinor: result.data.refund.amountMinor.toString(), currency: result.data.refund.currency } };
  },
});
