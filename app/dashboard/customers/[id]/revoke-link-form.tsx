'use client';

import { useActionState } from 'react';
import { ActionMessage, asked } from '@/components/ui/action-message';
import { ConfirmSubmit } from '@/components/ui/confirm-submit';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeAuthorizationLinkAction } from '../actions';

/** One "Revoke" button for one open link, asked in words (customer, expiry) first, with its own result. */
export function RevokeLinkForm({
  customerId,
  linkId,
  labels,
}: {
  customerId: string;
  linkId: string;
  labels: { submit: string; accessible: string; pending: string; confirm: string; confirmYes: string; back: string };
}) {
  const [state, action, pending] = useActionState(revokeAuthorizationLinkAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="customerId" value={customerId} />
      <input type="hidden" name="linkId" value={linkId} />
      <ConfirmSubmit
        label={labels.submit}
        ariaLabel={labels.accessible}
        pendingLabel={labels.pending}
        pending={pending}
        question={labels.confirm}
        confirmLabel={labels.confirmYes}
        backLabel={labels.back}
        state={state}
        testId="revoke-link-submit"
      />
      <ActionMessage state={asked(state)} />
    </form>
  );
}
