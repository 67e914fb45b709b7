'use server';

import { eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { payments } from '@/lib/db/schema';
import { parseStaffAmount } from '@/lib/money/parse-staff-amount';
import { getRefundDeps } from '@/lib/refunds/app-deps';
import { createRefund, createRefundInput } from '@/lib/refunds/create-refund';
import { checkStepUp } from '@/lib/staff/two-factor/two-factor';

/**
 * Refund from the payment page. The service checks `refunds.create` and the amount limit again. Above the
 * merchant's step-up threshold for the payment's currency, a fresh TOTP code must come with it (checked and
 * used up before anything is reserved).
 */
export const createRefundAction = staffAction({
  schema: createRefundInput.extend({ stepUpCode: z.string().trim().max(16).optional() }),
  permission: 'refunds.create',
  confirm: true,
  run: async ({ db, actor }, input) => {
    const [payment] = await db.select({ currency: payments.currency }).from(payments).where(eq(payments.id, input.paymentId)).limit(1);
    const amount = payment ? parseStaffAmount(input.amount, payment.currency) : null;
    if (payment && amount?.ok) {
      const stepUp = await checkStepUp({ db, vault: getTokenVault() }, actor, { amountMinor: amount.minor, currency: payment.currency, code: input.stepUpCode, purpose: 'refund' });
      if (!stepUp.ok) return stepUp;
    }
    const result = await createRefund(await getRefundDeps(), actor, input);
    // Revalidate on refusals too: a declined refund still adds a row and timeline entries.
    revalidatePath(`/dashboard/payments/${input.paymentId}`);
    if (!result.ok) return result;
    // Only what the form shows goes back to the browser (no hashes or operation fingerprints).
    return { ok: true, data: { refundId: result.data.refund.id, state: result.data.state, amountMinor: result.data.refund.amountMinor.toString(), currency: result.data.refund.currency } };
  },
});
