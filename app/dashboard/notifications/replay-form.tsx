'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { replayNotificationAction } from './actions';

/** "Replay": re-runs the stored delivery through the same handler; the answer says what it changed. */
export function ReplayForm({ deliveryId, labels }: { deliveryId: string; labels: { submit: string; pending: string; hint: string; done: Record<string, string> } }) {
  const [state, action, pending] = useActionState(replayNotificationAction, null as ActionResult<{ outcome: string; detail: string | null }> | null);
  const done = state?.ok ? `${labels.done[state.data.outcome] ?? state.data.outcome}${state.data.detail ? ` ${state.data.detail}` : ''}` : undefined;
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <p id="replay-hint" className="text-sm text-slate-700">
        {labels.hint}
      </p>
      <Button type="submit" variant="secondary" disabled={pending} aria-describedby="replay-hint">
        {pending ? labels.pending : labels.submit}
      </Button>
      <ActionMessage state={state} success={<span data-testid="replay-result">{done}</span>} />
    </form>
  );
}
