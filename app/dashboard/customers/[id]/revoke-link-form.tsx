'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeAuthorizationLinkAction } from '../actions';
import { ActionMessage } from '@/components/ui/action-message';

/** One "Revoke" button for one open link, with its own result. */
export function RevokeLinkForm({ customerId, linkId, label, accessibleLabel }: { customerId: string; linkId: string; label: string; accessibleLabel: string }) {
  const [state, action, pending] = useActionState(revokeAuthorizationLinkAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="customerId" value={customerId} />
      <input type="hidden" name="linkId" value={linkId} />
      <Button type="submit" variant="danger" disabled={pending} aria-label={accessibleLabel}>
        {label}
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}
