/**
 * DataTable for tables with no link or button inside: on a phone the table scrolls sideways, and a
 * scrolling region must be reachable by keyboard (WCAG 2.1.1), so the region itself takes focus.
 */
export function ScrollTable({ caption, columns, children }: { caption: string; columns: React.ReactNode[]; children: React.ReactNode }) {
  return (
    <div role="region" aria-label={caption} tabIndex={0} className="overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-blue-700">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
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
