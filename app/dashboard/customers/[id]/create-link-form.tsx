'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createAuthorizationLinkAction } from '../actions';
import { ActionMessage } from '@/components/ui/action-message';

export interface CreateLinkLabels {
  expiresIn: string;
  submit: string;
  created: string;
  options: { hours: 24 | 72 | 168; label: string }[];
  plan: {
    attach: string;
    hint: string;
    amount: string;
    currency: string;
    description: string;
    interval: string;
    every: string;
    anchorDay: string;
    anchorHint: string;
    startDate: string;
    count: string;
    countHint: string;
    units: { value: 'day' | 'week' | 'month' | 'year'; label: string }[];
  };
}

/** Creates an authorization link for one customer, optionally with a billing plan; the re-rendered page shows it. */
export function CreateLinkForm({ customerId, currencies, labels }: { customerId: string; currencies: string[]; labels: CreateLinkLabels }) {
  const [state, action, pending] = useActionState(createAuthorizationLinkAction, null as ActionResult<unknown> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const p = labels.plan;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="customerId" value={customerId} />
      <div className="flex flex-wrap items-end gap-3">
        <SelectField id="link-expires" name="expiresInHours" label={labels.expiresIn} defaultValue="72" errors={errors?.expiresInHours}>
          {labels.options.map((o) => (
            <option key={o.hours} value={o.hours}>
              {o.label}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className="rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium">
          <label className="inline-flex items-center gap-2">
            <input type="checkbox" name="withPlan" id="link-with-plan" />
            {p.attach}
          </label>
        </legend>
        <p className="mb-2 text-sm text-slate-700">{p.hint}</p>
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField id="plan-amount" name="planAmount" label={p.amount} inputMode="decimal" placeholder="499.00" errors={errors?.planAmount} />
          <SelectField id="plan-currency" name="planCurrency" label={p.currency} errors={errors?.planCurrency}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          <TextField id="plan-description" name="planDescription" label={p.description} maxLength={256} errors={errors?.planDescription} />
          <SelectField id="plan-interval" name="planInterval" label={p.interval} defaultValue="month" errors={errors?.planInterval}>
            {p.units.map((u) => (
              <option key={u.value} value={u.value}>
                {u.label}
              </option>
            ))}
          </SelectField>
          <TextField id="plan-every" name="planEvery" label={p.every} type="number" min={1} defaultValue="1" errors={errors?.planEvery} />
          <TextField id="plan-anchor" name="planAnchorDay" label={p.anchorDay} hint={p.anchorHint} type="number" min={1} max={31} errors={errors?.planAnchorDay} />
          <TextField id="plan-start" name="planStartDate" label={p.startDate} type="date" errors={errors?.planStartDate} />
          <TextField id="plan-count" name="planCount" label={p.count} hint={p.countHint} type="number" min={1} errors={errors?.planCount} />
        </div>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {labels.submit}
      </Button>
      <ActionMessage state={state} success={labels.created} className="basis-full text-sm" />
    </form>
  );
}
