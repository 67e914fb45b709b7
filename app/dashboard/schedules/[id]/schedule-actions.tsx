'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import type { ScheduleStatus } from '@/lib/db/schema';
import { cancelScheduleAction, pauseScheduleAction, resumeScheduleAction } from '../actions';

type State = ActionResult<{ status: string }> | null;

/** The buttons the role and the status allow: pause, resume (optionally billing missed periods), cancel. */
export function ScheduleActions({ scheduleId, status }: { scheduleId: string; status: ScheduleStatus }) {
  const t = useTranslations('schedules');
  const [pauseState, pause, pausing] = useActionState(pauseScheduleAction, null as State);
  const [resumeState, resume, resuming] = useActionState(resumeScheduleAction, null as State);
  const [cancelState, cancel, canceling] = useActionState(cancelScheduleAction, null as State);
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
        <form action={cancel} className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="scheduleId" value={scheduleId} />
          <Button type="submit" name="when" value="period_end" variant="secondary" disabled={canceling}>
            {t('actions.cancelAtPeriodEnd')}
          </Button>
          <Button type="submit" name="when" value="now" variant="danger" disabled={canceling}>
            {t('actions.cancelNow')}
          </Button>
          <ActionMessage state={cancelState} success={t('actions.canceled')} />
        </form>
      ) : null}
    </div>
  );
}
