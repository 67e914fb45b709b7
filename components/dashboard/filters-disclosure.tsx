'use client';

import { useEffect, useRef } from 'react';

/**
 * A list's filters folded into "Filters" (a native <details>: keyboard-operable, works without JavaScript).
 * Closed on phones so the list starts on the first screen; opened on wider screens once the page runs, and
 * always open while a filter has an error. Active filters are shown as removable chips above, open or not.
 */
export function FiltersDisclosure({ summary, forceOpen, chips, children }: { summary: string; forceOpen: boolean; chips: React.ReactNode; children: React.ReactNode }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (ref.current && window.matchMedia('(min-width: 640px)').matches) ref.current.open = true;
  }, []);
  return (
    <>
      <details ref={ref} open={forceOpen || undefined} className="mb-3 rounded-lg border border-slate-200 bg-white" data-testid="filters-disclosure">
        <summary className="flex min-h-10 cursor-pointer items-center px-4 py-2 text-sm font-medium text-slate-900">{summary}</summary>
        {children}
      </details>
      {chips}
    </>
  );
}
