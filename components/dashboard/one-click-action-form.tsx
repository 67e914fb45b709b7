'use client';

import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';

/** A form with one button for a staff action that takes no input (re-seal now, resume refreshes). */
export function OneClickActionForm({
  action: serverAction,
  labels,
  testId,
}: {
  action: (state: ActionResult<unknown> | null, form: FormData) => Promise<ActionResult<unknown>>;
  labels: { submit: string; pending: string; hint: string; done: string };
  testId: string;
}) {
  const [state, action, pending] = useActionState(serverAction, null as ActionResult<unknown> | null);
  return (
    <form action={action} className="mt-3 space-y-2">
      <p id={`${testId}-hint`} className="text-sm text-slate-700">
        {labels.hint}
      </p>
      <Button type="submit" variant="secondary" disabled={pending} aria-describedby={`${testId}-hint`} data-testid={testId}>
        {pending ? labels.pending : labels.submit}
      </Button>
      <ActionMessage state={state} success={labels.done} />
    </form>
  );
}
