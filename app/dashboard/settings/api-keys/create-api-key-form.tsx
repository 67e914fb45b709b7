'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createApiKeyAction } from './actions';

type Created = { key: { id: string; prefix: string }; secret: string };

/** Name, scope and allow-list; after a success the secret is shown once, here, and never again. */
export function CreateApiKeyForm() {
  const t = useTranslations('apiKeys');
  const [state, action, pending] = useActionState(createApiKeyAction, null as ActionResult<Created> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4">
      <TextField id="api-key-name" name="name" label={t('name')} hint={t('nameHint')} required maxLength={80} errors={errors?.name} />
      <SelectField id="api-key-scope" name="scope" label={t('scope')} defaultValue="read_write" errors={errors?.scope}>
        <option value="read_write">{t('scopes.read_write')}</option>
        <option value="read_only">{t('scopes.read_only')}</option>
      </SelectField>
      <TextField id="api-key-ips" name="allowedIps" label={t('allowedIps')} hint={t('allowedIpsHint')} errors={errors?.allowedIps} />
      <ActionMessage state={state} />
      {state?.ok ? (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="api-key-secret-box">
          <p className="font-medium text-amber-900">{t('shownOnce')}</p>
          <label htmlFor="api-key-secret" className="mt-2 block text-slate-800">
            {t('secret')}
          </label>
          <input id="api-key-secret" readOnly value={state.data.secret} className="mt-1 w-full rounded border border-slate-400 bg-white px-2 py-1 font-mono text-xs" data-testid="api-key-secret" />
        </div>
      ) : null}
      <Button type="submit" disabled={pending}>
        {t('create')}
      </Button>
    </form>
  );
}
