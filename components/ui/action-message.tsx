import type { ActionResult } from '@/lib/auth/staff-action';

const TONE = { good: 'text-green-800', neutral: 'text-slate-800', alert: 'text-red-700' } as const;

/** The state to show under a form: a `confirm_required` answer is a question (ConfirmSubmit asks it), not an error. */
export function asked<T>(state: ActionResult<T> | null | undefined): ActionResult<T> | null | undefined {
  return state && !state.ok && state.code === 'confirm_required' ? null : state;
}

/**
 * The polite live region under a staff form: the success text (or node) after an ok result, the
 * service's error as an alert after a failed one, nothing before the first submit. An ok result that is
 * bad news all the same (a declined charge) passes `successTone="alert"`; one still under way, "neutral".
 */
export function ActionMessage({
  state,
  success,
  successTone = 'good',
  className = 'text-sm',
}: {
  state: ActionResult<unknown> | null | undefined;
  success?: React.ReactNode;
  successTone?: 'good' | 'neutral' | 'alert';
  className?: string;
}) {
  return (
    <div aria-live="polite" className={className}>
      {state?.ok && success ? (
        <p className={TONE[successTone]} role={successTone === 'alert' ? 'alert' : undefined}>
          {success}
        </p>
      ) : null}
      {state && !state.ok ? (
        <p role="alert" className="text-red-700">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}
