/**
 * The one search box in the dashboard header: a GET form to /dashboard/search, so it works without
 * JavaScript and every search is a URL. Labels come from the (server) layout.
 */
export function HeaderSearch({ label, placeholder, submit }: { label: string; placeholder: string; submit: string }) {
  return (
    <form method="get" action="/dashboard/search" role="search" aria-label={label} className="flex w-full min-w-0 items-center gap-2" data-testid="header-search">
      <label htmlFor="header-search" className="sr-only">
        {label}
      </label>
      <input
        id="header-search"
        name="q"
        type="search"
        maxLength={128}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        className="min-h-10 w-full min-w-0 max-w-md rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-600"
      />
      <button type="submit" className="min-h-10 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100">
        {submit}
      </button>
    </form>
  );
}
