'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createAuthorizationLinkAction } from '../actions';
import { ActionMessage } from '@/components/ui/action-message';

export interface CreateLinkLabels {
  expiresIn: string;
  submit: string;
  created: string;
  options: { hours: 24 | 72 | 168; label: string }[];
}

/** Creates an authorization link for one customer; the re-rendered page shows it. */
export function CreateLinkForm({ customerId, labels }: { customerId: string; labels: CreateLinkLabels }) {
  const [state, action, pending] = useActionState(createAuthorizationLinkAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="customerId" value={customerId} />
      <SelectField id="link-expires" name="expiresInHours" label={labels.expiresIn} defaultValue="72" errors={state && !state.ok ? state.fieldErrors?.expiresInHours : undefined}>
        {labels.options.map((o) => (
          <option key={o.hours} value={o.hours}>
            {o.label}
          </option>
        ))}
      </SelectField>
      <Button type="submit" disabled={pending}>
        {labels.submit}
      </Button>
      <ActionMessage state={state} success={labels.created} className="basis-full text-sm" />
    </form>
  );
}
