'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import type { ActionResult } from '@/lib/auth/staff-action';
import { Button } from './button';

/**
 * The submit of a destructive form (cancel, revoke, refund), asked twice: the first press shows the question in
 * words that name what happens (amount, customer) with "Yes, …" and "Go back"; only "Yes" submits, and it sends
 * `confirm=1`, without which the server action (lib/auth/staff-action.ts, `confirm: true`) refuses with
 * `confirm_required`. With JavaScript off the first press posts the form, the server answers `confirm_required`
 * and the page it renders shows the same question (from `state`), so nothing is done unasked either way.
 * Without a question (e.g. the typed amount does not parse yet) it is a plain submit and the server answers the
 * field error.
 */
export function ConfirmSubmit({
  label,
  pendingLabel,
  pending,
  question,
  confirmLabel,
  backLabel,
  state,
  variant = 'danger',
  describedBy,
  ariaLabel,
  testId,
}: {
  label: string;
  pendingLabel: string;
  pending: boolean;
  question: string | null;
  confirmLabel: string;
  backLabel: string;
  /** The form's action state: `confirm_required` (a press that reached the server unconfirmed) shows the question. */
  state?: ActionResult<unknown> | null;
  variant?: 'primary' | 'danger';
  describedBy?: string;
  ariaLabel?: string;
  testId: string;
}) {
  const serverAsks = state?.ok === false && state.code === 'confirm_required';
  const [asking, setAsking] = useState(serverAsks);
  const questionId = useId();
  const yes = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  // Once sent, the question is done: after the answer the button starts over (state adjusted during render).
  const [wasPending, setWasPending] = useState(pending);
  if (pending !== wasPending) {
    setWasPending(pending);
    if (pending) setAsking(false);
  }
  // An unconfirmed press that reached the server (before hydration) asks here too.
  const [seenState, setSeenState] = useState(state);
  if (state !== seenState) {
    setSeenState(state);
    if (serverAsks) setAsking(true);
  }
  if (pending) {
    return (
      <Button type="button" variant={variant} disabled>
        {pendingLabel}
      </Button>
    );
  }
  if (!asking || !question) {
    // A real submit, so the form works before hydration and with JavaScript off; with it, the press only asks.
    return (
      <Button
        type="submit"
        variant={variant}
        aria-describedby={describedBy}
        aria-label={ariaLabel}
        data-testid={testId}
        onClick={
          question
            ? (event) => {
                event.preventDefault();
                setAsking(true);
              }
            : undefined
        }
      >
        {label}
      </Button>
    );
  }
  return (
    <div role="group" aria-labelledby={questionId} className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3" data-testid={`${testId}-confirm`}>
      <p id={questionId} className="text-sm font-medium text-slate-900">
        {question}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button ref={yes} type="submit" name="confirm" value="1" variant={variant} data-testid={`${testId}-yes`}>
          {confirmLabel}
        </Button>
        {/* A link, so "Go back" works without JavaScript too (the page as it was, nothing sent). */}
        <a
          href={pathname}
          className="inline-flex min-h-10 items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100"
          data-testid={`${testId}-back`}
          onClick={(event) => {
            event.preventDefault();
            setAsking(false);
          }}
        >
          {backLabel}
        </a>
      </div>
    </div>
  );
}
