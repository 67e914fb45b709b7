import type { ActionResult } from '@/lib/auth/staff-action';

/**
 * The polite live region under a staff form: the success text (or node) after an ok result, the
 * service's error as an alert after a failed one, nothing before the first submit.
 */
export function ActionMessage({ state, success, className = 'text-sm' }: { state: ActionResult<unknown> | null | undefined; success?: React.ReactNode; className?: string }) {
  return (
    <div aria-live="polite" className={className}>
      {state?.ok && success ? <p className="text-green-800">{success}</p> : null}
      {state && !state.ok ? (
        <p role="alert" className="text-red-700">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}
