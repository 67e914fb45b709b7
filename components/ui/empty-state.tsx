/** What a list shows before it has rows: what will appear here, and how it gets there. */
export function EmptyState({ title, body, children }: { title: string; body: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <p className="mx-auto mt-2 max-w-prose text-sm text-slate-700">{body}</p>
      {children ? <div className="mt-4">{children}</div> : null}
    </div>
  );
}
