import type { ReactNode } from 'react';

/** One fact of a detail page: its label and what to show (text or an element). */
export type Field = readonly [label: string, value: ReactNode];

/**
 * A detail page's facts (agreement, payment, customer): each label above its value, in one card that wraps
 * into columns on wider screens. `layout` sets the padding and column classes where a page needs others.
 */
export function FieldGrid({ fields, layout = 'p-6 sm:grid-cols-3' }: { fields: readonly Field[]; layout?: string }) {
  return (
    <dl className={`grid gap-4 rounded-lg border border-slate-200 bg-white ${layout}`}>
      {fields.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs font-medium uppercase text-slate-700">{label}</dt>
          <dd className="mt-1 break-words text-sm text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
