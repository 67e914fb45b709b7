'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { staffAction } from '@/lib/auth/staff-action';
import { formatAmount } from '@/lib/money';
import { getPaymentDeps } from '@/lib/payments/app-deps';
import { charge } from '@/lib/payments/charge';
import { createPaymentRequest } from '@/lib/payments/create-payment-request';
import { env } from '@/lib/env';
import { parseStaffAmount } from '@/lib/payments/parse-staff-amount';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { checkStepUp } from '@/lib/staff/two-factor/two-factor';

export const revokeAgreementAction = staffAction({
  schema: z.object({ agreementId: z.uuid() }),
  permission: 'payments.cancel',
  confirm: true,
  run: async ({ actor }, input) => {
    const result = await revokeAgreement(await getAgreementDeps(), { agreementId: input.agreementId, by: { kind: 'staff', actor } });
    // Revalidate on failure too: a failed revoke still adds a timeline entry.
    revalidatePath(`/dashboard/agreements/${input.agreementId}`);
    return result;
  },
});

/**
 * Staff charge from the agreement page. The amount arrives as typed ("9,900", "12.50") with the currency the
 * form showed; the operation key is generated per form render, so a double submit or a retried request is the
 * same charge. The service checks the permission and the operator's limit again.
 */
export const chargeAgreementAction = staffAction({
  schema: z.object({
    agreementId: z.uuid(),
    amount: z.string().max(40),
    currency: z.string().regex(/^[A-Z]{3}$/, 'Unknown currency'),
    description: z.string().max(300),
    referenceOrderId: z.string().max(100).optional(),
    operationKey: z.uuid({ error: 'This form is out of date; reload the page.' }),
    /** A fresh TOTP code, asked for above the merchant's step-up threshold for the currency. */
    stepUpCode: z.string().trim().max(16).optional(),
  }),
  permission: 'payments.charge',
  run: async ({ db, actor }, input) => {
    const amount = parseStaffAmount(input.amount, input.currency);
    if (!amount.ok) return { ok: false, code: 'amount_invalid', error: amount.error, fieldErrors: { amount: [amount.error] } };
    const stepUp = await checkStepUp({ db, vault: getTokenVault() }, actor, { amountMinor: amount.minor, currency: input.currency, code: input.stepUpCode, purpose: 'charge' });
    if (!stepUp.ok) return stepUp;
    const result = await charge(await getPaymentDeps(), {
      agreementId: input.agreementId,
      amountMinor: amount.minor,
      currency: input.currency,
      description: input.description,
      referenceOrderId: input.referenceOrderId ?? null,
      operationKey: `staff:${input.operationKey}`,
      initiator: { kind: 'staff', actor },
    });
    revalidatePath(`/dashboard/agreements/${input.agreementId}`);
    if (!result.ok) return result;
    const p = result.data.payment;
    return {
      ok: true,
      data: {
        paymentId: p.id,
        status: p.status,
        amount: formatAmount(p.amountMinor, p.currency),
        failureMessage: p.failureMessage,
        replayed: result.data.replayed,
        outcome: result.data.outcome,
        reference: result.data.intent.businessKey,
        attempt: p.attemptNumber,
      },
    };
  },
});

/** Staff ask the buyer to confirm one payment: returns the /pay link, shown once (only its hash is stored). */
export const createPaymentRequestAction = staffAction({
  schema: z.object({
    agreementId: z.uuid(),
    amount: z.string().max(40),
    currency: z.string().regex(/^[A-Z]{3}$/, 'Unknown currency'),
    description: z.string().max(300),
    referenceOrderId: z.string().max(100).optional(),
  }),
  permission: 'payments.charge',
  run: async ({ actor }, input) => {
    const amount = parseStaffAmount(input.amount, input.currency);
    if (!amount.ok) return { ok: false, code: 'amount_invalid', error: amount.error, fieldErrors: { amount: [amount.error] } };
    const result = await createPaymentRequest(await getPaymentDeps(), actor, {
      agreementId: input.agreementId,
      amountMinor: amount.minor,
      currency: input.currency,
      description: input.description,
      referenceOrderId: input.referenceOrderId ?? null,
    });
    revalidatePath(`/dashboard/agreements/${input.agreementId}`);
    if (!result.ok) return result;
    return { ok: true, data: { paymentId: result.data.paymentId, url: new URL(result.data.path, env().APP_URL).toString(), amount: formatAmount(amount.minor, input.currency) } };
  },
});
