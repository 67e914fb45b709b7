'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { updateDunningSettingsAction } from './dunning-actions';

/** The admins' dunning form: a plain form action (works without JavaScript), errors beside their field. */
export interface DunningFormLabels {
  ladder: string;
  ladderHint: string;
  afterLadder: string;
  after: Record<'PAST_DUE' | 'UNPAID', { name: string; hint: string }>;
  save: string;
  saved: string;
}

/** Labels come from the server section (translated there), so the client bundle needs no messages of its own. */
export function DunningSettingsForm({ ladder, afterLadder, labels }: { ladder: string; afterLadder: 'PAST_DUE' | 'UNPAID'; labels: DunningFormLabels }) {
  const [state, action, pending] = useActionState(updateDunningSettingsAction, null as ActionResult<unknown> | null);
  const ladderErrors = state && !state.ok ? state.fieldErrors?.ladder : undefined;
  const afterErrors = state && !state.ok ? state.fieldErrors?.afterLadder : undefined;
  return (
    <form action={action} className="space-y-4">
      <div className="space-y-1">
        <label htmlFor="dunning-ladder" className="block text-sm font-medium text-slate-800">
          {labels.ladder}
        </label>
        <input
          id="dunning-ladder"
          name="ladder"
          defaultValue={ladder}
          inputMode="numeric"
          aria-describedby={ladderErrors?.length ? 'dunning-ladder-hint dunning-ladder-error' : 'dunning-ladder-hint'}
          aria-invalid={ladderErrors?.length ? true : undefined}
          className="block w-full max-w-xs rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm"
        />
        <p id="dunning-ladder-hint" className="text-xs text-slate-600">
          {labels.ladderHint}
        </p>
        {ladderErrors?.length ? (
          <p id="dunning-ladder-error" role="alert" className="text-xs text-red-700">
            {ladderErrors.join(' ')}
          </p>
        ) : null}
      </div>
      <fieldset className="space-y-2" aria-describedby={afterErrors?.length ? 'dunning-after-error' : undefined}>
        <legend className="text-sm font-medium text-slate-800">{labels.afterLadder}</legend>
        {(['PAST_DUE', 'UNPAID'] as const).map((value) => (
          <div key={value} className="flex items-start gap-2">
            <input id={`dunning-after-${value}`} type="radio" name="afterLadder" value={value} defaultChecked={afterLadder === value} className="mt-1 h-4 w-4" />
            <label htmlFor={`dunning-after-${value}`} className="text-sm text-slate-900">
              <span className="font-medium">{labels.after[value].name}</span> — {labels.after[value].hint}
            </label>
          </div>
        ))}
        {afterErrors?.length ? (
          <p id="dunning-after-error" role="alert" className="text-xs text-red-700">
            {afterErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <Button type="submit" disabled={pending}>
        {labels.save}
      </Button>
      <ActionMessage state={state} success={labels.saved} />
    </form>
  );
}
