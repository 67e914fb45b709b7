'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage, asked } from '@/components/ui/action-message';
import { ConfirmSubmit } from '@/components/ui/confirm-submit';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeApiKeyAction } from './actions';

/** "Revoke" on a key's row: asks first, naming the key and its prefix (works with JavaScript off; see ConfirmSubmit). */
export function RevokeApiKeyButton({ keyId, name, prefix }: { keyId: string; name: string; prefix: string }) {
  const t = useTranslations('apiKeys');
  const [state, action, pending] = useActionState(revokeApiKeyAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="flex flex-col gap-1">
      <input type="hidden" name="keyId" value={keyId} />
      <ConfirmSubmit
        label={t('revoke')}
        pendingLabel={t('revoking')}
        pending={pending}
        question={t('confirmRevoke', { name, prefix })}
        confirmLabel={t('confirmRevokeYes')}
        backLabel={t('back')}
        state={state}
        ariaLabel={t('revokeNamed', { name })}
        testId="api-key-revoke"
      />
      <ActionMessage state={asked(state)} success={t('revoked')} />
    </form>
  );
}
