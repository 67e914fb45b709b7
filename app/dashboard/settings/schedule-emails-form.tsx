'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import type { ScheduleEmailSettings } from '@/lib/schedules/update-email-settings';
import { updateScheduleEmailSettingsAction } from './schedule-email-actions';

export type ScheduleEmailsLabels = Record<'reminder' | 'reminderDays' | 'receipt' | 'failed' | 'save' | 'saved', string>;

/** The labels come from the server section (the client provider carries only some namespaces). */
export function ScheduleEmailsForm({ current, labels }: { current: ScheduleEmailSettings; labels: ScheduleEmailsLabels }) {
  const t = (key: keyof ScheduleEmailsLabels) => labels[key];
  const [state, action, pending] = useActionState(updateScheduleEmailSettingsAction, null as ActionResult<unknown> | null);
  const box = (name: 'reminder' | 'receipt' | 'failed', checked: boolean) => (
    <div className="flex items-start gap-2">
      <input id={`schedule-email-${name}`} name={name} type="checkbox" value="true" defaultChecked={checked} className="mt-0.5 h-4 w-4" />
      <label htmlFor={`schedule-email-${name}`} className="text-sm text-slate-900">
        {t(name)}
      </label>
    </div>
  );
  return (
    <form action={action} className="space-y-3">
      {box('reminder', current.reminder)}
      <TextField id="schedule-email-days" name="reminderDays" type="number" min={1} max={30} label={t('reminderDays')} defaultValue={String(current.reminderDays)} errors={state && !state.ok ? state.fieldErrors?.reminderDays : undefined} />
      {box('receipt', current.receipt)}
      {box('failed', current.failed)}
      <Button type="submit" disabled={pending}>
        {t('save')}
      </Button>
      <ActionMessage state={state} success={t('saved')} />
    </form>
  );
}
