'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { cancelPaymentAction } from '../actions';

/** Staff cancel (issue 9 part A): a reason, then one button; disabled with the reason when not allowed. */
export function CancelPaymentForm({ paymentId, blockedReason }: { paymentId: string; blockedReason: string | null }) {
  const t = useTranslations('charge');
  const [state, action, pending] = useActionState(cancelPaymentAction, null as ActionResult<unknown> | null);
  if (blockedReason) {
    return (
      <div className="space-y-2">
        <p id="cancel-blocked" className="text-sm text-slate-800" data-testid="cancel-blocked">
          {blockedReason}
        </p>
        <Button type="button" variant="danger" disabled aria-describedby="cancel-blocked">
          {t('cancelSubmit')}
        </Button>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="paymentId" value={paymentId} />
      <p className="text-sm text-slate-700">{t('cancelHint')}</p>
      <TextField id="cancel-reason" name="reason" label={t('cancelReason')} required maxLength={500} />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? t('cancelling') : t('cancelSubmit')}
      </Button>
      <ActionMessage state={state} success={t('cancelDone')} />
    </form>
  );
}
