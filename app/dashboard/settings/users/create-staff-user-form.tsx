'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createStaffUserAction } from './actions';
import { ActionMessage } from '@/components/ui/action-message';

export function CreateStaffUserForm() {
  const t = useTranslations('users');
  const roles = useTranslations('roles');
  const [state, action, pending] = useActionState(createStaffUserAction, null as ActionResult<unknown> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4">
      <TextField id="new-name" name="name" label={t('name')} required errors={errors?.name} />
      <TextField id="new-email" name="email" type="email" label={t('email')} required errors={errors?.email} />
      <SelectField id="new-role" name="role" label={t('role')} defaultValue="viewer" errors={errors?.role}>
        {(['viewer', 'operator', 'admin'] as const).map((r) => (
          <option key={r} value={r}>
            {roles(r)}
          </option>
        ))}
      </SelectField>
      <TextField id="new-password" name="password" type="password" autoComplete="new-password" label={t('password')} hint={t('passwordHint')} required errors={errors?.password} />
      <ActionMessage state={state} success={t('created')} />
      <Button type="submit" disabled={pending}>
        {t('create')}
      </Button>
    </form>
  );
}
