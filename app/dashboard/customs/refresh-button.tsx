'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { refreshDeclarationAction } from './actions';

/** Asks Antom about one declaration now instead of waiting for the poller. */
export function RefreshButton({ declarationId, label, done }: { declarationId: string; label: string; done: string }) {
  const [state, action, pending] = useActionState(refreshDeclarationAction, null as ActionResult<unknown> | null);
  return (
    <form action={action}>
      <input type="hidden" name="declarationId" value={declarationId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {label}
      </Button>
      <ActionMessage state={state} success={done} className="text-xs" />
    </form>
  );
}
