'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeAgreementAction } from './actions';

/** "Revoke authorization" for an ACTIVE agreement; shows the service's message when the wallet refuses or cannot be reached. */
export function RevokeAgreementForm({ agreementId, labels }: { agreementId: string; labels: { submit: string; pending: string; done: string; hint: string } }) {
  const [state, action, pending] = useActionState(revokeAgreementAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="agreementId" value={agreementId} />
      <p id="revoke-hint" className="text-sm text-slate-700">
        {labels.hint}
      </p>
      <Button type="submit" variant="danger" disabled={pending} aria-describedby="revoke-hint">
        {pending ? labels.pending : labels.submit}
      </Button>
      <p aria-live="polite" className="text-sm">
        {state?.ok ? <span className="text-green-800">{labels.done}</span> : null}
        {state && !state.ok ? (
          <span role="alert" className="text-red-700">
            {state.error}
          </span>
        ) : null}
      </p>
    </form>
  );
}
