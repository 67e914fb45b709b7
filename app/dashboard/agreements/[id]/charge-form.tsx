'use client';

import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useActionState, useState } from 'react';
import { StepUpField } from '@/components/dashboard/step-up-field';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { formatAmount } from '@/lib/money';
import { parseStaffAmount } from '@/lib/payments/parse-staff-amount';
import { chargeAgreementAction } from './actions';

type ChargeState = ActionResult<{
  paymentId: string;
  status: string;
  amount: string;
  failureMessage: string | null;
  replayed: boolean;
  outcome: 'created' | 'retried' | 'replayed' | 'existing';
  reference: string;
  attempt: number;
}> | null;

/** An attempt on this agreement without a final answer (the page reads them; lib/intents/list-unresolved-attempts). */
export interface UnresolvedAttemptView {
  paymentId: string;
  reference: string;
  amount: string;
  status: string;
  ageSeconds: number;
}

const EXAMPLES: Record<string, string> = { KRW: '9,900', JPY: '1,500', VND: '125,000', IDR: '50,000' };

/**
 * Staff charge: type the amount as said ("9,900" KRW, "12.50" PHP), review the formatted amount, confirm.
 * The order reference is the charge's business key: pre-filled (with the newest unconfirmed payment's reference
 * when there is one, so confirming again follows it instead of debiting twice), editable for a different bill.
 * The operation key comes from the server per render, so a double click or a retried POST is one request.
 */
export function ChargeForm({
  agreementId,
  currency,
  wallet,
  login,
  operationKey,
  suggestedReference,
  unresolved,
}: {
  agreementId: string;
  currency: string;
  wallet: string;
  login: string;
  operationKey: string;
  suggestedReference: string;
  unresolved: readonly UnresolvedAttemptView[];
}) {
  const t = useTranslations('charge');
  const tf = useTranslations('twoFactor');
  const ts = useTranslations('payment.statusName');
  const [reference, setReference] = useState(suggestedReference);
  const age = (s: number) => (s < 120 ? t('ageSeconds', { n: s }) : s < 7200 ? t('ageMinutes', { n: Math.floor(s / 60) }) : t('ageHours', { n: Math.floor(s / 3600) }));
  const locale = useLocale();
  const [state, action, pending] = useActionState(chargeAgreementAction, null as ChargeState);
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [review, setReview] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const serverErrors = state && !state.ok ? state.fieldErrors : undefined;

  function startReview() {
    const parsed = parseStaffAmount(amount, currency);
    if (!parsed.ok) return setLocalError(parsed.error);
    if (description.trim() === '') return setLocalError(null), setReview(null);
    setLocalError(null);
    setReview(formatAmount(parsed.minor, currency, locale));
  }

  return (
    <form action={action} className="space-y-3" onSubmit={() => setReview(null)}>
      <input type="hidden" name="agreementId" value={agreementId} />
      <input type="hidden" name="currency" value={currency} />
      <input type="hidden" name="operationKey" value={operationKey} />
      <p className="text-sm text-slate-700">{t('intro')}</p>
      {unresolved.length > 0 ? (
        <div role="note" aria-labelledby="unresolved-heading" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-slate-900" data-testid="unresolved-attempts">
          <p id="unresolved-heading" className="font-medium">
            {t('unresolvedHeading')}
          </p>
          <ul className="mt-1 list-disc pl-5">
            {unresolved.map((u) => (
              <li key={u.paymentId}>
                <Link href={`/dashboard/payments/${u.paymentId}`} className="text-blue-800 underline">
                  {t('unresolvedItem', { amount: u.amount, reference: u.reference, age: age(u.ageSeconds), status: ts.has(u.status) ? ts(u.status) : u.status })}
                </Link>
              </li>
            ))}
          </ul>
          <p className="mt-1">{t('unresolvedHint')}</p>
        </div>
      ) : null}
      <TextField
        id="charge-amount"
        name="amount"
        label={t('amount', { currency })}
        hint={t('amountHint', { example: EXAMPLES[currency] ?? '12.50' })}
        inputMode="decimal"
        autoComplete="off"
        required
        value={amount}
        readOnly={review !== null}
        onChange={(e) => setAmount(e.target.value)}
        errors={localError ? [localError] : serverErrors?.amount}
      />
      <TextField
        id="charge-reference"
        name="referenceOrderId"
        label={t('reference')}
        hint={t('referenceHint')}
        maxLength={64}
        autoComplete="off"
        required
        value={reference}
        readOnly={review !== null}
        onChange={(e) => setReference(e.target.value)}
        errors={serverErrors?.referenceOrderId}
      />
      <TextField
        id="charge-description"
        name="description"
        label={t('description')}
        hint={t('descriptionHint')}
        maxLength={256}
        required
        value={description}
        readOnly={review !== null}
        onChange={(e) => setDescription(e.target.value)}
        errors={serverErrors?.description}
      />
      <StepUpField
        state={state}
        labels={{
          label: tf('stepUpLabel'),
          hint: tf('stepUpHint'),
          errors: { step_up_required: tf('errors.step_up_required'), step_up_wrong_code: tf('errors.step_up_wrong_code'), step_up_code_used: tf('errors.step_up_code_used') },
        }}
      />
      {review === null ? (
        <Button type="button" onClick={startReview} disabled={pending || description.trim() === '' || amount.trim() === ''}>
          {t('review')}
        </Button>
      ) : (
        <div className="space-y-2 rounded-md border border-blue-200 bg-blue-50 p-3">
          <p className="text-sm font-medium text-slate-900" data-testid="charge-review">
            {t('confirmText', { amount: review, wallet, login })}
          </p>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={pending}>
              {pending ? t('charging') : t('confirm', { amount: review })}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setReview(null)} disabled={pending}>
              {t('edit')}
            </Button>
          </div>
        </div>
      )}
      <ActionMessage
        state={state}
        successTone={state?.ok ? (state.data.status === 'SUCCEEDED' ? 'good' : state.data.status === 'FAILED' ? 'alert' : 'neutral') : undefined}
        success={
          state?.ok ? (
            <>
              {state.data.outcome === 'existing'
                ? state.data.status === 'SUCCEEDED'
                  ? t('existingSucceeded', { reference: state.data.reference })
                  : t('existingInProgress', { reference: state.data.reference })
                : null}
              {state.data.outcome === 'retried' ? t('retried', { reference: state.data.reference, attempt: state.data.attempt }) : null}{' '}
              {state.data.status === 'SUCCEEDED'
                ? t('succeeded', { amount: state.data.amount })
                : state.data.status === 'FAILED'
                  ? t('failed', { reason: state.data.failureMessage ?? '' })
                  : t('pending')}{' '}
              <Link href={`/dashboard/payments/${state.data.paymentId}`} className="text-blue-800 underline">
                {t('viewPayment')}
              </Link>
            </>
          ) : null
        }
      />
    </form>
  );
}
