'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { Button } from './button';

/**
 * The submit of a destructive form (cancel, revoke, refund), asked twice: the first press shows the question in
 * words that name what happens (amount, customer) with "Yes, …" and "Go back"; only "Yes" submits. Without a
 * question (e.g. the typed amount does not parse yet) it is a plain submit and the server answers the field error.
 */
export function ConfirmSubmit({
  label,
  pendingLabel,
  pending,
  question,
  confirmLabel,
  backLabel,
  variant = 'danger',
  describedBy,
  testId,
}: {
  label: string;
  pendingLabel: string;
  pending: boolean;
  question: string | null;
  confirmLabel: string;
  backLabel: string;
  variant?: 'primary' | 'danger';
  describedBy?: string;
  testId: string;
}) {
  const [asking, setAsking] = useState(false);
  const questionId = useId();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  // Once sent, the question is done: after the answer the button starts over (state adjusted during render).
  const [wasPending, setWasPending] = useState(pending);
  if (pending !== wasPending) {
    setWasPending(pending);
    if (pending) setAsking(false);
  }
  if (pending) {
    return (
      <Button type="button" variant={variant} disabled>
        {pendingLabel}
      </Button>
    );
  }
  if (!asking || !question) {
    return (
      <Button type={question ? 'button' : 'submit'} variant={variant} aria-describedby={describedBy} data-testid={testId} onClick={question ? () => setAsking(true) : undefined}>
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
        <Button ref={yes} type="submit" variant={variant} data-testid={`${testId}-yes`}>
          {confirmLabel}
        </Button>
        <Button type="button" variant="secondary" onClick={() => setAsking(false)}>
          {backLabel}
        </Button>
      </div>
    </div>
  );
}
