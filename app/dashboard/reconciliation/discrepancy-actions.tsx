'use client';

import { useActionState, useId } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { inquireDiscrepancyAction, resolveDiscrepancyAction } from './actions';

/** "Ask Antom" and "Resolve with a note" for one discrepancy, each with its own result. */
export function DiscrepancyActions({
  discrepancyId,
  canInquire,
  labels,
}: {
  discrepancyId: string;
  canInquire: boolean;
  labels: { inquire: string; note: string; resolve: string; resolved: string };
}) {
  const id = useId();
  const [inquiry, inquire, inquiring] = useActionState(inquireDiscrepancyAction, null as ActionResult<unknown> | null);
  const [resolution, resolve, resolving] = useActionState(resolveDiscrepancyAction, null as ActionResult<unknown> | null);
  return (
    <div className="space-y-2">
      {canInquire ? (
        <form action={inquire}>
          <input type="hidden" name="discrepancyId" value={discrepancyId} />
          <Button type="submit" variant="secondary" disabled={inquiring}>
            {labels.inquire}
          </Button>
          <ActionMessage state={inquiry} />
        </form>
      ) : null}
      <form action={resolve} className="space-y-1">
        <input type="hidden" name="discrepancyId" value={discrepancyId} />
        <label htmlFor={`${id}-note`} className="block text-xs font-medium text-slate-800">
          {labels.note}
        </label>
        <textarea id={`${id}-note`} name="note" required minLength={3} maxLength={1000} rows={2} className="block w-full min-w-48 rounded-md border border-slate-400 px-2 py-1 text-sm" />
        <Button type="submit" disabled={resolving}>
          {labels.resolve}
        </Button>
        <ActionMessage state={resolution} success={labels.resolved} />
      </form>
    </div>
  );
}
