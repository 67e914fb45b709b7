import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import type { SearchHitKind } from '@/lib/search/search-by-id';
import { searchStaff, type SearchResult } from '@/lib/search/search-staff';

export const metadata: Metadata = { title: 'Search' };

const KINDS: SearchHitKind[] = ['customer', 'payment', 'agreement', 'refund'];

function Highlighted({ result }: { result: SearchResult }) {
  if (!result.highlight) return <>{result.text}</>;
  const [start, end] = result.highlight;
  return (
    <>
      {result.text.slice(0, start)}
      <mark className="rounded-sm bg-yellow-200 px-0.5 text-slate-900">{result.text.slice(start, end)}</mark>
      {result.text.slice(end)}
    </>
  );
}

// GET /dashboard/search?q= — the header search box: names, email/phone starts, masked logins, "125.50 PHP" and
// every id; results grouped by kind with the matched part marked; one match opens the object.
export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('search');
  const ts = await getTranslations('staffSearch');
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  if (q.length > 128) {
    return (
      <>
        <PageHeader title={t('title')} />
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {t('tooLong')}
        </p>
      </>
    );
  }
  const hits = q ? await searchStaff(await getDb(), q) : [];
  if (hits.length === 1) redirect(hits[0]!.href);
  const fieldName = (m: string) => (['name', 'email', 'phone', 'amount', 'loginPrefix'].includes(m) ? ts(`field.${m as 'name'}`) : t(`field.${m as 'id'}`));
  return (
    <>
      <PageHeader title={q ? t('resultsFor', { q }) : t('title')} />
      {hits.length === 0 ? (
        <EmptyState title={q ? ts('noneTitle') : t('emptyTitle')} body={ts('help')} />
      ) : (
        <div className="space-y-6">
          {KINDS.filter((kind) => hits.some((h) => h.kind === kind)).map((kind) => {
            const group = hits.filter((h) => h.kind === kind);
            return (
              <section key={kind} aria-labelledby={`search-group-${kind}`} data-testid={`search-group-${kind}`}>
                <h2 id={`search-group-${kind}`} className="mb-2 text-base font-semibold text-slate-900">
                  {ts(`group.${kind}`, { count: group.length })}
                </h2>
                <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
                  {group.map((hit) => (
                    <li key={`${hit.kind}-${hit.id}`} className="px-4 py-3" data-testid="search-hit">
                      <Link href={hit.href} className="break-words font-medium text-blue-800 underline">
                        <Highlighted result={hit} />
                      </Link>
                      <div className="text-xs text-slate-700">
                        {t('matched', { field: fieldName(hit.matched) })}
                        {hit.detail ? ` · ${hit.detail}` : null}
                        {hit.createdAt ? (
                          <>
                            {' · '}
                            <ZonedTime value={hit.createdAt} />
                          </>
                        ) : null}
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}
    </>
  );
}
