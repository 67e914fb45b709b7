import { getViewerZone } from '@/lib/time/viewer-zone';
import { dayKey, zoneName } from '@/lib/time/zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { VolumeChart, WalletRateChart, type VolumePoint } from '@/components/dashboard/overview-charts';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { getPaymentMethod } from '@/lib/alipay';
import { TokenRefreshHaltAlert } from '@/components/dashboard/token-refresh-halt-alert';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { currencyExponent, formatAmount } from '@/lib/money';
import { EXPIRING_WITHIN_DAYS, getOverview, isOverviewRange, OVERVIEW_RANGES, type OverviewRange } from '@/lib/overview/get-overview';
import { getScheduleOverview } from '@/lib/schedules/schedule-overview';

export const metadata: Metadata = { title: 'Overview' };

/** Bar height only: the bigint is scaled to a float for geometry; every label is formatted from the bigint. */
function plotValue(minor: bigint, currency: string): number {
  return Number(minor) / 10 ** currencyExponent(currency);
}

function Tile({ label, value, href, tone = 'slate', testId }: { label: string; value: string; href?: string; tone?: 'slate' | 'amber'; testId?: string }) {
  const body = (
    <>
      <span className="block text-sm text-slate-700">{label}</span>
      <span className={`mt-1 block text-2xl font-semibold tabular-nums ${tone === 'amber' ? 'text-amber-900' : 'text-slate-900'}`}>{value}</span>
    </>
  );
  const cls = `block rounded-lg border p-4 ${tone === 'amber' ? 'border-amber-300 bg-amber-50' : 'border-slate-200 bg-white'}`;
  return href ? (
    <Link href={href} className={`${cls} hover:border-blue-700 focus-visible:outline-2 focus-visible:outline-blue-700`} data-testid={testId}>
      {body}
    </Link>
  ) : (
    <div className={cls} data-testid={testId}>
      {body}
    </div>
  );
}

// GET /dashboard?range=24h|7d|30d|90d — volume, success rates, failures, agreements, refunds and what needs attention, in the viewer's time zone.
export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('overview');
  const zone = await getViewerZone();
  const locale = await getLocale();
  const rawRange = (await searchParams).range;
  const range: OverviewRange = isOverviewRange(rawRange) ? rawRange : '7d';
  const db = await getDb();
  const now = new Date();
  const [o, billing] = await Promise.all([getOverview(db, range, now, zone), getScheduleOverview(db, now)]);
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const since = dayKey(new Date(o.since), zone);
  const named = zoneName(zone);

  const currencies = [...new Set(o.daily.map((d) => d.currency))];
  const totalPayments = o.daily.reduce((n, d) => n + d.total, 0);
  const nothingYet = totalPayments === 0 && o.agreements.active === 0 && o.refunds.length === 0 && Object.values(o.attention).every((n) => n === 0);

  const attention = [
    { key: 'unknownPayments', n: o.attention.unknownPayments, href: '/dashboard/payments?status=UNKNOWN' },
    { key: 'unknownRefunds', n: o.attention.unknownRefunds, href: '/dashboard/refunds?status=UNKNOWN' },
    { key: 'staleRefunds', n: o.attention.staleRefunds, href: '/dashboard/refunds?status=PENDING' },
    { key: 'flaggedPayments', n: o.attention.flaggedPayments, href: '/dashboard/reconciliation' },
    { key: 'openDiscrepancies', n: o.attention.openDiscrepancies, href: '/dashboard/reconciliation' },
    { key: 'failedRefreshes', n: o.attention.failedRefreshes, href: '/dashboard/agreements?status=ACTIVE' },
    { key: 'refreshNeedsAttention', n: o.attention.refreshNeedsAttention, href: '/dashboard/agreements?status=ACTIVE' },
    { key: 'signatureFailures', n: o.attention.signatureFailures, href: '/dashboard/notifications?verdict=invalid' },
    { key: 'pendingNotificationWork', n: o.attention.pendingNotificationWork, href: '/dashboard/notifications' },
  ] as const;
  const ms = (v: number | null) => (v === null ? '—' : v < 1000 ? `${number.format(v)} ms` : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v / 1000)} s`);

  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')}>
        <form method="get" action="/dashboard" className="flex items-end gap-2" aria-label={t('rangeLabel')}>
          <SelectField id="overview-range" name="range" label={t('range')} defaultValue={range}>
            {Object.keys(OVERVIEW_RANGES).map((r) => (
              <option key={r} value={r}>
                {t(`ranges.${r}`)}
              </option>
            ))}
          </SelectField>
          <Button type="submit" variant="secondary">
            {t('show')}
          </Button>
        </form>
      </PageHeader>
      <TokenRefreshHaltAlert linkToDevelopers />
      <p className="-mt-4 mb-6 text-sm text-slate-700" data-testid="overview-timezone">
        {t('timezone', { since, zone: named })}
      </p>

      <section aria-labelledby="attention-heading" className="mb-8">
        <h2 id="attention-heading" className="mb-3 text-lg font-semibold text-slate-900">
          {t('attention')}
        </h2>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {attention.map((a) => (
            <Tile key={a.key} label={t(`attentionItems.${a.key}`)} value={number.format(a.n)} href={a.href} tone={a.n > 0 ? 'amber' : 'slate'} testId={`attention-${a.key}`} />
          ))}
        </div>
      </section>

      <section aria-labelledby="billing-heading" className="mb-8" data-testid="overview-billing">
        <h2 id="billing-heading" className="mb-3 text-lg font-semibold text-slate-900">
          {t('billing')}
        </h2>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Tile label={t('pastDueSchedules')} value={number.format(billing.pastDue)} href="/dashboard/schedules?status=PAST_DUE" tone={billing.pastDue > 0 ? 'amber' : 'slate'} testId="billing-past-due" />
          <Tile label={t('unpaidSchedules')} value={number.format(billing.unpaid)} href="/dashboard/schedules?status=UNPAID" tone={billing.unpaid > 0 ? 'amber' : 'slate'} testId="billing-unpaid" />
          {billing.expected.length === 0 ? (
            <Tile label={t('expectedNext', { days: billing.windowDays })} value={t('expectedNone')} href="/dashboard/schedules?status=ACTIVE" testId="billing-expected" />
          ) : (
            billing.expected.map((e) => (
              <Link
                key={e.currency}
                href="/dashboard/schedules?status=ACTIVE"
                className="block rounded-lg border border-slate-200 bg-white p-4 hover:border-blue-700 focus-visible:outline-2 focus-visible:outline-blue-700"
                data-testid={`billing-expected-${e.currency}`}
              >
                <span className="block text-sm text-slate-700">{t('expectedNextCurrency', { days: billing.windowDays, currency: e.currency })}</span>
                <span className="mt-1 block text-2xl font-semibold tabular-nums text-slate-900">{formatAmount(e.amountMinor, e.currency, locale)}</span>
                <span className="mt-1 block text-xs text-slate-700">{t('expectedDetail', { periods: e.periods, retries: e.retries })}</span>
              </Link>
            ))
          )}
        </div>
      </section>

      {nothingYet ? (
        <EmptyState title={t('emptyTitle')} body={t('emptyBody')} />
      ) : (
        <>
          <section aria-labelledby="agreements-heading" className="mb-8">
            <h2 id="agreements-heading" className="mb-3 text-lg font-semibold text-slate-900">
              {t('agreements')}
            </h2>
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
              <Tile label={t('notificationLag', { count: o.notificationLag.count })} value={`${ms(o.notificationLag.p95Ms)} / ${ms(o.notificationLag.maxMs)}`} href="/dashboard/notifications" testId="notification-lag" />
              <Tile label={t('active')} value={number.format(o.agreements.active)} href="/dashboard/agreements?status=ACTIVE" />
              <Tile label={t('expiring', { days: EXPIRING_WITHIN_DAYS })} value={number.format(o.agreements.expiringSoon)} href="/dashboard/agreements?status=ACTIVE" tone={o.agreements.expiringSoon ? 'amber' : 'slate'} />
              <Tile label={t('revoked')} value={number.format(o.agreements.revokedInRange)} href="/dashboard/agreements?status=REVOKED" />
            </div>
          </section>

          <section aria-labelledby="volume-heading" className="mb-8">
            <h2 id="volume-heading" className="mb-3 text-lg font-semibold text-slate-900">
              {t('volume')}
            </h2>
            {currencies.length === 0 ? <p className="text-sm text-slate-700">{t('noPayments')}</p> : null}
            <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
              {currencies.map((currency) => {
                const rows = o.daily.filter((d) => d.currency === currency);
                const sum = rows.reduce((s, d) => s + d.volumeMinor, 0n);
                const points: VolumePoint[] = rows.map((d) => ({ day: d.day, plot: plotValue(d.volumeMinor, currency), label: formatAmount(d.volumeMinor, currency, locale), count: d.succeeded }));
                return (
                  <figure key={currency} className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`volume-${currency}`}>
                    <figcaption className="mb-2 text-sm text-slate-800">
                      <span className="font-semibold">{currency}</span> — {t('volumeSummary', { total: formatAmount(sum, currency, locale), count: rows.reduce((n, d) => n + d.succeeded, 0), days: rows.length })}
                    </figcaption>
                    <VolumeChart points={points} valueLabel={t('succeededVolume')} />
                    <details className="mt-2 text-sm">
                      <summary className="cursor-pointer font-medium text-blue-800 underline">{t('asTable')}</summary>
                      <DataTable caption={t('volumeCaption', { currency, zone: named })} columns={[t('day', { zone: named }), t('succeededVolume'), t('succeeded'), t('payments')]} className="mt-2">
                        {rows.map((d) => (
                          <tr key={d.day}>
                            <td className="px-4 py-2 font-mono">{d.day}</td>
                            <td className="px-4 py-2 tabular-nums">{formatAmount(d.volumeMinor, currency, locale)}</td>
                            <td className="px-4 py-2 tabular-nums">{number.format(d.succeeded)}</td>
                            <td className="px-4 py-2 tabular-nums">{number.format(d.total)}</td>
                          </tr>
                        ))}
                      </DataTable>
                    </details>
                  </figure>
                );
              })}
            </div>
          </section>

          <div className="mb-8 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section aria-labelledby="wallets-heading">
              <h2 id="wallets-heading" className="mb-3 text-lg font-semibold text-slate-900">
                {t('successRate')}
              </h2>
              {o.wallets.length === 0 ? (
                <p className="text-sm text-slate-700">{t('noFinal')}</p>
              ) : (
                <figure className="rounded-lg border border-slate-200 bg-white p-4">
                  <WalletRateChart points={o.wallets.map((w) => ({ wallet: getPaymentMethod(w.wallet)?.nameEn ?? w.wallet, rate: w.final ? Math.round((w.succeeded / w.final) * 1000) / 10 : 0 }))} />
                  <DataTable caption={t('successRateCaption')} columns={[t('wallet'), t('rate'), t('succeeded'), t('failed')]} className="mt-3">
                    {o.wallets.map((w) => (
                      <tr key={w.wallet} data-testid={`rate-${w.wallet}`}>
                        <td className="px-4 py-2">
                          <Link href={`/dashboard/payments?wallet=${w.wallet}`} className="text-blue-800 underline">
                            {getPaymentMethod(w.wallet)?.nameEn ?? w.wallet}
                          </Link>
                        </td>
                        <td className="px-4 py-2 tabular-nums">{percent.format(w.final ? w.succeeded / w.final : 0)}</td>
                        <td className="px-4 py-2 tabular-nums">{number.format(w.succeeded)}</td>
                        <td className="px-4 py-2 tabular-nums">{number.format(w.failed)}</td>
                      </tr>
                    ))}
                  </DataTable>
                </figure>
              )}
            </section>
            <section aria-labelledby="failures-heading">
              <h2 id="failures-heading" className="mb-3 text-lg font-semibold text-slate-900">
                {t('topFailures')}
              </h2>
              {o.failureReasons.length === 0 ? (
                <p className="text-sm text-slate-700">{t('noFailures')}</p>
              ) : (
                <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
                  {o.failureReasons.map((f) => (
                    <li key={f.code} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                      <Link href="/dashboard/payments?status=FAILED" className="font-mono text-blue-800 underline">
                        {f.code}
                      </Link>
                      <span className="tabular-nums text-slate-900">{number.format(f.count)}</span>
                    </li>
                  ))}
                </ol>
              )}
              <h2 id="refunds-heading" className="mb-3 mt-6 text-lg font-semibold text-slate-900">
                {t('refunds')}
              </h2>
              {o.refunds.length === 0 ? (
                <p className="text-sm text-slate-700">{t('noRefunds')}</p>
              ) : (
                <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-labelledby="refunds-heading">
                  {o.refunds.map((r) => (
                    <li key={r.currency} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                      <Link href={`/dashboard/refunds?currency=${r.currency}`} className="text-blue-800 underline">
                        {t('refundCount', { count: r.count, currency: r.currency })}
                      </Link>
                      <span className="tabular-nums">{formatAmount(r.succeededMinor, r.currency, locale)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </>
  );
}
