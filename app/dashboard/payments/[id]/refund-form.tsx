'use client';

import { useActionState, useState } from 'react';
import { StepUpField, type StepUpLabels } from '@/components/dashboard/step-up-field';
import { ActionMessage, asked } from '@/components/ui/action-message';
import { ConfirmSubmit } from '@/components/ui/confirm-submit';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { formatAmount } from '@/lib/money';
import { parseStaffAmount } from '@/lib/money/parse-staff-amount';
import { createRefundAction } from './actions';

interface RefundFormLabels {
  amount: string;
  amountHint: string;
  reason: string;
  reasonHint: string;
  /** With `{amount}` in it. */
  preview: string;
  previewInvalid: string;
  submit: string;
  submitting: string;
  /** With `{amount}`. */
  done: string;
  pendingDone: string;
  stepUp: StepUpLabels;
  /** With `{amount}`; the customer is already named. */
  confirm: string;
  confirmYes: string;
  back: string;
}

type Result = ActionResult<{ refundId: string; state: 'succeeded' | 'pending'; amountMinor: string; currency: string }>;

/**
 * Amount + reason. The typed amount is shown back formatted ("You are about to refund ₱12.50") before it is
 * sent, so a KRW "9,900" or a PHP "12.50" is confirmed as what it means. The operation key comes from the
 * server render: a double submit is one refund; after success the page re-renders with a fresh key.
 */
export function RefundForm({ paymentId, currency, locale, operationKey, defaultAmount, labels }: { paymentId: string; currency: string; locale: string; operationKey: string; defaultAmount?: string; labels: RefundFormLabels }) {
  const [state, action, pending] = useActionState(createRefundAction, null as Result | null);
  // Asked by the server (JavaScript off): what was typed before the question comes back with it.
  const echoed = state && !state.ok ? state.values : undefined;
  const [typed, setTyped] = useState(echoed?.amount ?? defaultAmount ?? '');
  const parsed = typed.trim() ? parseStaffAmount(typed, currency) : null;
  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  const done =
    state?.ok === true
      ? (state.data.state === 'succeeded' ? labels.done : labels.pendingDone).replace('{amount}', formatAmount(BigInt(state.data.amountMinor), state.data.currency, locale))
      : undefined;
  return (
    <form action={action} className="space-y-3" data-testid="refund-form">
      <input type="hidden" name="paymentId" value={paymentId} />
      <input type="hidden" name="operationKey" value={operationKey} />
      <TextField
        id="refund-amount"
        name="amount"
        label={labels.amount}
        hint={labels.amountHint}
        inputMode="decimal"
        autoComplete="off"
        required
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        errors={fieldErrors?.amount}
      />
      <p aria-live="polite" className="text-sm text-slate-800" data-testid="refund-preview">
        {parsed ? (parsed.ok ? labels.preview.replace('{amount}', formatAmount(parsed.minor, currency, locale)) : labels.previewInvalid) : null}
      </p>
      <TextField id="refund-reason" name="reason" label={labels.reason} hint={labels.reasonHint} required maxLength={256} autoComplete="off" errors={fieldErrors?.reason} defaultValue={echoed?.reason} />
      <StepUpField state={state} labels={labels.stepUp} />
      <ConfirmSubmit
        label={labels.submit}
        pendingLabel={labels.submitting}
        pending={pending}
        variant="primary"
        question={parsed?.ok ? labels.confirm.replace('{amount}', formatAmount(parsed.minor, currency, locale)) : null}
        confirmLabel={parsed?.ok ? labels.confirmYes.replace('{amount}', formatAmount(parsed.minor, currency, locale)) : labels.submit}
        backLabel={labels.back}
        state={state}
        testId="refund-submit"
      />
      <ActionMessage state={asked(state)} success={done} />
    </form>
  );
}
