'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { resetSecondFactorAction } from './two-factor-actions';

/** Another admin resets a staff member's second factor (lost phone); never one's own. Audited; nothing emailed. */
export function ResetSecondFactor({ userId, email, isSelf }: { userId: string; email: string; isSelf: boolean }) {
  const t = useTranslations('twoFactor');
  const [state, action, pending] = useActionState(resetSecondFactorAction, null as ActionResult<unknown> | null);
  if (isSelf) return <p className="text-xs text-slate-600">{t('usersCannotResetSelf')}</p>;
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <Button type="submit" variant="danger" disabled={pending} aria-label={`${t('usersReset')} — ${email}`}>
        {t('usersReset')}
      </Button>
      <ActionMessage state={state} success={t('usersResetDone')} className="text-xs" />
    </form>
  );
}
