'use client';

import { useActionState } from 'react';
import { ConfirmSubmit } from '@/components/ui/confirm-submit';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeAgreementAction } from './actions';
import { ActionMessage, asked } from '@/components/ui/action-message';

/** "Revoke authorization" for an ACTIVE agreement; shows the service's message when the wallet refuses or cannot be reached. */
export function RevokeAgreementForm({ agreementId, labels }: { agreementId: string; labels: { submit: string; pending: string; done: string; hint: string; confirm: string; confirmYes: string; back: string } }) {
  const [state, action, pending] = useActionState(revokeAgreementAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="agreementId" value={agreementId} />
      <p id="revoke-hint" className="text-sm text-slate-700">
        {labels.hint}
      </p>
      <ConfirmSubmit label={labels.submit} pendingLabel={labels.pending} pending={pending} question={labels.confirm} confirmLabel={labels.confirmYes} backLabel={labels.back} state={state} describedBy="revoke-hint" testId="revoke-submit" />
      <ActionMessage state={asked(state)} success={labels.done} />
    </form>
  );
}
