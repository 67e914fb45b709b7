'use client';

import { useActionState } from 'react';
import { ActionMessage, asked } from '@/components/ui/action-message';
import { ConfirmSubmit } from '@/components/ui/confirm-submit';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { cancelPaymentAction } from '../actions';

/** "Cancel payment" with its required reason; part A's cancelPayment decides (window, refunds, permission). */
export function CancelPaymentForm({ paymentId, labels }: { paymentId: string; labels: { hint: string; reason: string; submit: string; submitting: string; done: string; confirm: string; confirmYes: string; back: string } }) {
  const [state, action, pending] = useActionState(cancelPaymentAction, null as ActionResult<unknown> | null);
  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  // Asked by the server (JavaScript off): the reason typed before the question comes back with it.
  const echoed = state && !state.ok ? state.values : undefined;
  return (
    <form action={action} className="space-y-3" data-testid="cancel-form">
      <input type="hidden" name="paymentId" value={paymentId} />
      <p id="cancel-hint" className="text-sm text-slate-700">
        {labels.hint}
      </p>
      <TextField id="cancel-reason" name="reason" label={labels.reason} required maxLength={500} autoComplete="off" errors={fieldErrors?.reason} defaultValue={echoed?.reason} />
      <ConfirmSubmit label={labels.submit} pendingLabel={labels.submitting} pending={pending} question={labels.confirm} confirmLabel={labels.confirmYes} backLabel={labels.back} state={state} describedBy="cancel-hint" testId="cancel-submit" />
      <ActionMessage state={asked(state)} success={labels.done} />
    </form>
  );
}
