import type { InputHTMLAttributes, SelectHTMLAttributes } from 'react';

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
}

const control = 'block w-full min-h-10 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 aria-invalid:border-red-700';

function FieldShell({ id, label, hint, errors, children }: FieldProps & { children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint ? <p id={`${id}-hint`} className="text-xs text-slate-600">{hint}</p> : null}
      {errors?.length ? (
        <p id={`${id}-error`} className="text-xs text-red-700" role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint?: string, errors?: string[]) {
  return [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

/** A labelled text input with its hint and errors wired to aria-describedby. */
export function TextField({ id, label, hint, errors, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <input id={id} className={control} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, hint, errors)} {...input} />
    </FieldShell>
  );
}

export function SelectField({ id, label, hint, errors, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <select id={id} className={control} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, hint, errors)} {...select}>
        {children}
      </select>
    </FieldShell>
  );
}
