'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeApiKeyAction } from './actions';

export function RevokeApiKeyButton({ keyId, name }: { keyId: string; name: string }) {
  const t = useTranslations('apiKeys');
  const [state, action, pending] = useActionState(revokeApiKeyAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="flex flex-col gap-1">
      <input type="hidden" name="keyId" value={keyId} />
      <Button type="submit" variant="danger" disabled={pending} aria-label={t('revokeNamed', { name })}>
        {t('revoke')}
      </Button>
      <ActionMessage state={state} success={t('revoked')} />
    </form>
  );
}
