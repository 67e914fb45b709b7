'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createPaymentRequestAction } from './actions';

type RequestState = ActionResult<{ paymentId: string; url: string; amount: string }> | null;

/** Creates a buyer confirm link (/pay/<token>) for an amount; the link is shown once. */
export function PaymentRequestForm({ agreementId, currency }: { agreementId: string; currency: string }) {
  const t = useTranslations('charge');
  const [state, action, pending] = useActionState(createPaymentRequestAction, null as RequestState);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="agreementId" value={agreementId} />
      <input type="hidden" name="currency" value={currency} />
      <p className="text-sm text-slate-700">{t('requestIntro')}</p>
      <TextField id="request-amount" name="amount" label={t('amount', { currency })} inputMode="decimal" autoComplete="off" required errors={errors?.amount} />
      <TextField id="request-reference" name="referenceOrderId" label={t('reference')} hint={t('referenceHint')} maxLength={64} autoComplete="off" errors={errors?.referenceOrderId} />
      <TextField id="request-description" name="description" label={t('description')} hint={t('descriptionHint')} maxLength={256} required errors={errors?.description} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {t('requestCreate')}
      </Button>
      <ActionMessage
        state={state}
        success={
          state?.ok ? (
            <>
              {t('requestCreated', { amount: state.data.amount })}{' '}
              <a href={state.data.url} className="break-all font-mono text-blue-800 underline" data-testid="payment-request-url">
                {state.data.url}
              </a>
            </>
          ) : null
        }
      />
    </form>
  );
}
