'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useTransition } from 'react';
import Link from 'next/link';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { scheduleFormAction, type SchedulePreview } from '../../schedules/actions';

type State = ActionResult<SchedulePreview> | null;

/** "Create schedule": amount, interval, anchor, start, end; "Preview" shows the next five dates before saving. */
export function CreateScheduleForm({ agreementId, currency, today }: { agreementId: string; currency: string; today: string }) {
  const t = useTranslations('schedules');
  const [state, action, acting] = useActionState((previous: State, data: FormData) => scheduleFormAction(previous, data), null as State);
  const [submitting, startTransition] = useTransition();
  const pending = acting || submitting;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  // Submitted by hand so a preview (or a refusal) keeps what was typed: a form `action` resets the fields afterwards.
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.name) data.set(submitter.name, submitter.value);
    startTransition(() => action(data));
  };
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="create-schedule-form">
      <input type="hidden" name="agreementId" value={agreementId} />
      <TextField id="schedule-amount" name="amount" label={t('form.amount', { currency })} inputMode="decimal" autoComplete="off" required errors={errors?.amount} />
      <TextField id="schedule-description" name="description" label={t('form.description')} hint={t('form.descriptionHint')} maxLength={256} required errors={errors?.description} />
      <div className="grid grid-cols-2 gap-3">
        <TextField id="schedule-every" name="intervalCount" label={t('form.every')} inputMode="numeric" defaultValue="1" errors={errors?.intervalCount} />
        <SelectField id="schedule-unit" name="intervalUnit" label={t('form.unit')} defaultValue="month" errors={errors?.intervalUnit}>
          {(['day', 'week', 'month', 'year'] as const).map((u) => (
            <option key={u} value={u}>
              {t(`unit.${u}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField id="schedule-anchor" name="anchorDay" label={t('form.anchorDay')} hint={t('form.anchorHint')} inputMode="numeric" errors={errors?.anchorDay} />
      <TextField id="schedule-start" name="startDate" type="date" label={t('form.startDate')} defaultValue={today} required errors={errors?.startDate} />
      <TextField id="schedule-end" name="endDate" type="date" label={t('form.endDate')} errors={errors?.endDate} />
      <TextField id="schedule-count" name="maxPeriods" label={t('form.maxPeriods')} inputMode="numeric" errors={errors?.maxPeriods} />
      <TextField id="schedule-zone" name="timeZone" label={t('form.timeZone')} defaultValue="Asia/Shanghai" errors={errors?.timeZone} />
      <div className="flex items-center gap-2">
        <input id="schedule-catch-up" name="catchUp" type="checkbox" className="h-4 w-4" />
        <label htmlFor="schedule-catch-up" className="text-sm">
          {t('form.catchUp')}
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="intent" value="preview" variant="secondary" disabled={pending}>
          {t('form.preview')}
        </Button>
        <Button type="submit" name="intent" value="create" disabled={pending}>
          {t('form.create')}
        </Button>
      </div>
      {state?.ok ? (
        <div role="status" className="rounded border border-slate-200 bg-slate-50 p-3 text-sm">
          <p className="font-medium">{state.data.saved ? t('form.saved', { amount: state.data.amount }) : t('form.nextDates', { amount: state.data.amount })}</p>
          <ol className="mt-1 list-decimal pl-5" data-testid="schedule-preview">
            {state.data.preview.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ol>
          {state.data.scheduleId ? (
            <Link href={`/dashboard/schedules/${state.data.scheduleId}`} className="text-blue-800 underline">
              {t('form.open')}
            </Link>
          ) : null}
        </div>
      ) : (
        <ActionMessage state={state} success={null} />
      )}
    </form>
  );
}
