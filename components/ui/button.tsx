import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-blue-700 text-white hover:bg-blue-800',
  secondary: 'border border-slate-300 bg-white text-slate-900 hover:bg-slate-100',
  danger: 'border border-red-300 bg-white text-red-800 hover:bg-red-50',
  ghost: 'text-slate-700 hover:bg-slate-100',
};

/**
 * Disabled looks disabled whatever the variant: grey on light grey with a dashed border (slate-600 on slate-100,
 * 6.9:1, so the words stay readable); the reason is said next to it (aria-describedby).
 */
const DISABLED = 'disabled:cursor-not-allowed disabled:border disabled:border-dashed disabled:border-slate-400 disabled:bg-slate-100 disabled:text-slate-600 disabled:hover:bg-slate-100';

export function Button({ variant = 'primary', className = '', ref, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; ref?: React.Ref<HTMLButtonElement> }) {
  return (
    <button
      ref={ref}
      {...props}
      className={`inline-flex min-h-10 items-center justify-center rounded-md px-4 py-2 text-sm font-medium transition-colors ${VARIANTS[variant]} ${DISABLED} ${className}`}
    />
  );
}
