import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { filtersToQuery, type ListFilters } from '@/lib/lists/parse-list-filters';

function href(path: string, params: URLSearchParams) {
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Keyset paging (first / next) that keeps the filters in the URL, and the CSV export of the same view. */
export async function ListPagination({ path, filters, nextCursor, exportList }: { path: string; filters: ListFilters; nextCursor: string | null; exportList?: string }) {
  const t = await getTranslations('lists');
  return (
    <div className="mt-4 flex flex-wrap items-center justify-between gap-4 text-sm">
      <nav aria-label={t('pagination')} className="flex gap-4">
        {filters.after ? (
          <Link href={href(path, filtersToQuery(filters))} className="font-medium text-blue-800 underline">
            {t('firstPage')}
          </Link>
        ) : null}
        {nextCursor ? (
          <Link href={href(path, filtersToQuery(filters, { after: nextCursor }))} className="font-medium text-blue-800 underline" rel="next">
            {t('nextPage')}
          </Link>
        ) : null}
      </nav>
      {exportList ? (
        <Link href={href(`/dashboard/export/${exportList}`, filtersToQuery(filters))} className="font-medium text-blue-800 underline">
          {t('exportCsv')}
        </Link>
      ) : null}
    </div>
  );
}

/** A list's problems with its URL filters, above the results, and announced. */
export async function FilterProblems({ count }: { count: number }) {
  if (!count) return null;
  const t = await getTranslations('lists');
  return (
    <p role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800">
      {t('filterProblems', { count })}
    </p>
  );
}
