import Link from 'next/link';
import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import type { ListFilters, ParsedFilters } from '@/lib/lists/parse-list-filters';
import { FilterProblems } from './list-pagination';

/** Whether the view narrows the list at all (a filter, a search or a page cursor). Amounts need a currency. */
export function hasListFilters(f: ListFilters): boolean {
  return Boolean(f.q || f.status || f.wallet || f.currency || f.from || f.to || f.staff || f.after);
}

/**
 * The frame every filtered dashboard list shares. With no rows and no filter: only the first-run empty
 * state, which says how to fill the list. Otherwise: header, filter form, the filters' problems, then the
 * table (children) or a line saying nothing matches / there is no more, and the pagination.
 */
export async function FilteredList({
  title,
  intro,
  empty,
  parsed,
  rowCount,
  filterForm,
  pagination,
  children,
}: {
  title: string;
  intro: string;
  empty: { title: string; body: string; href: string; linkText: string };
  parsed: ParsedFilters;
  rowCount: number;
  filterForm: ReactNode;
  pagination: ReactNode;
  children: ReactNode;
}) {
  const { filters } = parsed;
  if (rowCount === 0 && !hasListFilters(filters) && parsed.ok) {
    return (
      <>
        <PageHeader title={title} />
        <EmptyState title={empty.title} body={empty.body}>
          <Link href={empty.href} className="font-medium text-blue-800 underline">
            {empty.linkText}
          </Link>
        </EmptyState>
      </>
    );
  }
  const lt = await getTranslations('lists');
  return (
    <>
      <PageHeader title={title} intro={intro} />
      {filterForm}
      <FilterProblems count={parsed.ok ? 0 : parsed.issues.length} />
      {rowCount === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-700">{filters.after ? lt('noMore') : lt('noMatches')}</p>
      ) : (
        children
      )}
      {pagination}
    </>
  );
}
