'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { getPaymentDeps } from '@/lib/payments/app-deps';
import { cancelPayment } from '@/lib/payments/cancel-payment';

/** Staff cancel of a payment (the detail page's button); the service checks the window, refunds and permission. */
export const cancelPaymentAction = staffAction({
  schema: z.object({ paymentId: z.uuid(), reason: z.string().max(600) }),
  permission: 'payments.cancel',
  confirm: true,
  run: async ({ actor }, input) => {
    const result = await cancelPayment(await getPaymentDeps(), actor, input);
    revalidatePath(`/dashboard/payments/${input.paymentId}`);
    if (!result.ok) return result;
    return { ok: true, data: { paymentId: result.data.payment.id, status: result.data.payment.status } };
  },
});
