'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { saveCustomsRegistrationAction } from './actions';

/** Admins: the merchant's registration number and name at China customs (sent with every declaration). */
export function RegistrationForm({ current, labels }: { current: { code: string; name: string }; labels: { code: string; name: string; save: string; saved: string } }) {
  const [state, action, pending] = useActionState(saveCustomsRegistrationAction, null as ActionResult<unknown> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2">
      <TextField id="customs-code" name="customsMerchantCode" label={labels.code} defaultValue={current.code} required maxLength={128} errors={errors?.['customsMerchantCode']} />
      <TextField id="customs-name" name="customsMerchantName" label={labels.name} defaultValue={current.name} required maxLength={256} errors={errors?.['customsMerchantName']} />
      <div className="sm:col-span-2">
        <Button type="submit" variant="secondary" disabled={pending}>
          {labels.save}
        </Button>
        <ActionMessage state={state} success={labels.saved} />
      </div>
    </form>
  );
}
