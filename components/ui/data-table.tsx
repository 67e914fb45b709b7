/** Tailwind classes that keep a table's first column in view while the rest scrolls sideways in its own box. */
export const STICKY_FIRST_COLUMN =
  '[&_tbody_td:first-child]:sticky [&_tbody_td:first-child]:left-0 [&_tbody_td:first-child]:bg-white [&_thead_th:first-child]:sticky [&_thead_th:first-child]:left-0 [&_thead_th:first-child]:bg-white [&_tbody_th:first-child]:sticky [&_tbody_th:first-child]:left-0 [&_tbody_th:first-child]:bg-white';

/**
 * The dashboard's table shell: horizontal scroll on phones, a screen-reader caption, column headers with
 * scope. Rows are passed as children (`<tr>`s), so each page keeps full control of its cells.
 */
export function DataTable({
  columns,
  caption,
  className = '',
  children,
}: {
  columns: React.ReactNode[];
  caption?: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    // relative: screen-reader-only labels inside cells are absolutely positioned; without a positioned ancestor
    // they escape the scroll box and widen the whole page on a phone.
    // Focusable and named: on a phone the box scrolls sideways, and keyboard users must be able to scroll it too.
    <div tabIndex={0} role={caption ? 'region' : undefined} aria-label={caption} className={`relative overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-blue-700 ${className}`}>
      {/* The first column stays in view while the rest scrolls sideways (phones). */}
      <table className="min-w-full divide-y divide-slate-200 text-sm [&_tbody_td:first-child]:sticky [&_tbody_td:first-child]:left-0 [&_tbody_td:first-child]:bg-white [&_thead_th:first-child]:sticky [&_thead_th:first-child]:left-0 [&_thead_th:first-child]:bg-slate-50">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-slate-50 text-left text-xs uppercase text-slate-700">
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col" className="px-4 py-3">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}
