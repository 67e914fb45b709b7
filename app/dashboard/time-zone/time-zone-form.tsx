'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { setMerchantTimeZoneAction, setOwnTimeZoneAction } from './actions';

interface Props {
  kind: 'merchant' | 'own';
  id: string;
  label: string;
  hint?: string;
  current: string;
  /** [value, text] pairs; "" = follow the merchant (own zone only). */
  options: [string, string][];
  labels: { save: string; saved: string };
}

/** One select and a save button; a plain form action, so it works before JavaScript loads. */
export function TimeZoneForm({ kind, id, label, hint, current, options, labels }: Props) {
  const [state, action, pending] = useActionState(kind === 'merchant' ? setMerchantTimeZoneAction : setOwnTimeZoneAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="flex flex-col gap-3" data-testid={`time-zone-form-${kind}`}>
      <SelectField id={id} name="zone" label={label} hint={hint} defaultValue={current} errors={state && !state.ok ? state.fieldErrors?.zone : undefined}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <div>
        <Button type="submit" disabled={pending}>
          {labels.save}
        </Button>
      </div>
      <ActionMessage state={state} success={labels.saved} />
    </form>
  );
}
