'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage, asked } from '@/components/ui/action-message';
import { ConfirmSubmit } from '@/components/ui/confirm-submit';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import type { ScheduleStatus } from '@/lib/db/schema';
import { cancelScheduleAction, pauseScheduleAction, resumeScheduleAction } from '../actions';

type State = ActionResult<{ status: string }> | null;

/**
 * The buttons the role and the status allow: pause, resume (optionally billing missed periods), cancel. Each cancel
 * is its own form that asks first in words naming the amount and the customer (ConfirmSubmit; the action is
 * `confirm: true`, so the question holds with JavaScript off).
 */
export function ScheduleActions({ scheduleId, status, amount, customer }: { scheduleId: string; status: ScheduleStatus; amount: string; customer: string }) {
  const t = useTranslations('schedules');
  const [pauseState, pause, pausing] = useActionState(pauseScheduleAction, null as State);
  const [resumeState, resume, resuming] = useActionState(resumeScheduleAction, null as State);
  const [endState, cancelAtEnd, endPending] = useActionState(cancelScheduleAction, null as State);
  const [nowState, cancelNow, nowPending] = useActionState(cancelScheduleAction, null as State);
  const open = status !== 'CANCELED' && status !== 'COMPLETED';
  return (
    <div className="space-y-4">
      {status === 'ACTIVE' || status === 'PAST_DUE' || status === 'UNPAID' ? (
        <form action={pause} className="space-y-2">
          <input type="hidden" name="scheduleId" value={scheduleId} />
          <TextField id="pause-reason" name="reason" label={t('actions.pauseReason')} maxLength={200} />
          <Button type="submit" variant="secondary" disabled={pausing}>
            {t('actions.pause')}
          </Button>
          <ActionMessage state={pauseState} success={t('actions.paused')} />
        </form>
      ) : null}
      {status === 'PAUSED' ? (
        <form action={resume} className="space-y-2">
          <input type="hidden" name="scheduleId" value={scheduleId} />
          <div className="flex items-center gap-2">
            <input id="resume-back-bill" name="backBill" type="checkbox" className="h-4 w-4" />
            <label htmlFor="resume-back-bill" className="text-sm">
              {t('actions.backBill')}
            </label>
          </div>
          <Button type="submit" disabled={resuming}>
            {t('actions.resume')}
          </Button>
          <ActionMessage state={resumeState} success={t('actions.resumed')} />
        </form>
      ) : null}
      {open ? (
        <div className="flex flex-wrap items-start gap-2">
          <form action={cancelAtEnd} className="space-y-2">
            <input type="hidden" name="scheduleId" value={scheduleId} />
            <input type="hidden" name="when" value="period_end" />
            <ConfirmSubmit
              label={t('actions.cancelAtPeriodEnd')}
              pendingLabel={t('actions.canceling')}
              pending={endPending}
              question={t('actions.confirmCancelAtPeriodEnd', { customer, amount })}
              confirmLabel={t('actions.confirmCancelAtPeriodEndYes')}
              backLabel={t('actions.back')}
              state={endState}
              testId="schedule-cancel-end"
            />
            <ActionMessage state={asked(endState)} success={t('actions.canceled')} />
          </form>
          <form action={cancelNow} className="space-y-2">
            <input type="hidden" name="scheduleId" value={scheduleId} />
            <input type="hidden" name="when" value="now" />
            <ConfirmSubmit
              label={t('actions.cancelNow')}
              pendingLabel={t('actions.canceling')}
              pending={nowPending}
              question={t('actions.confirmCancelNow', { customer, amount })}
              confirmLabel={t('actions.confirmCancelNowYes')}
              backLabel={t('actions.back')}
              state={nowState}
              testId="schedule-cancel-now"
            />
            <ActionMessage state={asked(nowState)} success={t('actions.canceled')} />
          </form>
        </div>
      ) : null}
    </div>
  );
}
