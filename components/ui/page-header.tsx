export function PageHeader({ title, intro, children }: { title: string; intro?: string; children?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
        {intro ? <p className="mt-1 max-w-prose text-sm text-slate-700">{intro}</p> : null}
      </div>
      {children}
    </div>
  );
}
