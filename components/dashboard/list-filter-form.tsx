import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { PAYMENT_METHODS } from '@/lib/alipay';
import { CURRENCY_CODES, toMajorString } from '@/lib/money';
import { dayKey, zoneName } from '@/lib/time/zone';
import { filtersToQuery, LIST_SORTS, type FilterIssue, type ListFilters } from '@/lib/lists/parse-list-filters';
import { FiltersDisclosure } from './filters-disclosure';

export type FilterField = 'q' | 'status' | 'wallet' | 'currency' | 'amount' | 'dates' | 'staff' | 'sort';

/**
 * The filter bar of a dashboard list: a plain GET form, so every view is a URL that can be shared and the
 * filters work before (and without) JavaScript. Bad values come back as `issues`, shown next to their field.
 */
export async function ListFilterForm({
  action,
  fields,
  filters,
  issues,
  statuses = [],
  statusNamespace,
  staff = [],
  sorts = LIST_SORTS,
}: {
  action: string;
  fields: FilterField[];
  filters: ListFilters;
  issues: FilterIssue[];
  statuses?: readonly string[];
  statusNamespace?: 'agreementStatus' | 'payment.statusName' | 'payment.refundStatus' | 'schedules.status';
  staff?: { id: string; name: string; email: string }[];
  sorts?: readonly string[];
}) {
  const t = await getTranslations('lists');
  const st = statusNamespace ? await getTranslations(statusNamespace) : null;
  const errorsFor = (...names: string[]) => {
    const found = issues.filter((i) => names.includes(i.field));
    return found.length ? found.map((i) => t(`errors.${i.code}`, { value: i.value })) : undefined;
  };
  const has = (f: FilterField) => fields.includes(f);
  const day = (d: Date | null) => (d ? dayKey(d, filters.zone) : '');
  const amount = (v: bigint | null) => (v !== null && filters.currency ? toMajorString(v, filters.currency) : '');
  const active = Boolean(filters.q || filters.status || filters.wallet || filters.currency || filters.from || filters.to || filters.staff || filters.minAmount !== null || filters.maxAmount !== null || filters.sort !== 'newest');
  // Active filters as removable chips: each links to the same list without that one filter.
  const query = filtersToQuery(filters);
  const without = (...keys: string[]) => {
    const p = new URLSearchParams(query);
    for (const k of keys) p.delete(k);
    const qs = p.toString();
    return `${action}${qs ? `?${qs}` : ''}`;
  };
  const staffName = (id: string) => staff.find((s) => s.id === id)?.name ?? id;
  const chips: { key: string; text: string; href: string }[] = [];
  if (filters.q) chips.push({ key: 'q', text: `${t('q')}: ${filters.q}`, href: without('q') });
  if (filters.status) chips.push({ key: 'status', text: `${t('status')}: ${st ? st(filters.status) : filters.status}`, href: without('status') });
  if (filters.wallet) chips.push({ key: 'wallet', text: `${t('wallet')}: ${PAYMENT_METHODS.find((m) => m.code === filters.wallet)?.nameEn ?? filters.wallet}`, href: without('wallet') });
  if (filters.currency) chips.push({ key: 'currency', text: `${t('currency')}: ${filters.currency}`, href: without('currency', 'min', 'max') });
  if (filters.minAmount !== null) chips.push({ key: 'min', text: `${t('minAmount')}: ${amount(filters.minAmount)}`, href: without('min') });
  if (filters.maxAmount !== null) chips.push({ key: 'max', text: `${t('maxAmount')}: ${amount(filters.maxAmount)}`, href: without('max') });
  if (filters.from) chips.push({ key: 'from', text: `${t('from')}: ${day(filters.from)}`, href: without('from') });
  if (filters.to) chips.push({ key: 'to', text: `${t('to')}: ${day(filters.to)}`, href: without('to') });
  if (filters.staff) chips.push({ key: 'staff', text: `${t('staff')}: ${staffName(filters.staff)}`, href: without('staff') });
  if (filters.sort !== 'newest') chips.push({ key: 'sort', text: `${t('sort')}: ${t(`sorts.${filters.sort}`)}`, href: without('sort') });
  const tf = await getTranslations('listFilters');
  return (
    <FiltersDisclosure
      summary={chips.length ? tf('summaryActive', { count: chips.length }) : tf('summary')}
      forceOpen={issues.length > 0}
      chips={
        chips.length ? (
          <ul className="mb-4 flex flex-wrap gap-2" aria-label={tf('activeLabel')} data-testid="filter-chips">
            {chips.map((c) => (
              <li key={c.key}>
                <Link
                  href={c.href}
                  aria-label={tf('remove', { filter: c.text })}
                  className="inline-flex min-h-8 max-w-full items-center gap-1 rounded-full border border-blue-300 bg-blue-50 px-3 py-1 text-sm text-blue-900 hover:bg-blue-100"
                  data-testid="filter-chip"
                >
                  <span className="truncate">{c.text}</span>
                  <span aria-hidden="true">×</span>
                </Link>
              </li>
            ))}
          </ul>
        ) : null
      }
    >
    <form method="get" action={action} role="search" aria-label={t('filterLabel')} className="grid grid-cols-1 gap-3 rounded-b-lg border-t border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
      {has('q') ? <TextField id="filter-q" name="q" label={t('q')} hint={t('qHint')} defaultValue={filters.q ?? ''} errors={errorsFor('q')} /> : null}
      {has('status') ? (
        <SelectField id="filter-status" name="status" label={t('status')} defaultValue={filters.status ?? ''} errors={errorsFor('status')}>
          <option value="">{t('any')}</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {st ? st(s) : s}
            </option>
          ))}
        </SelectField>
      ) : null}
      {has('wallet') ? (
        <SelectField id="filter-wallet" name="wallet" label={t('wallet')} defaultValue={filters.wallet ?? ''} errors={errorsFor('wallet')}>
          <option value="">{t('any')}</option>
          {PAYMENT_METHODS.map((m) => (
            <option key={m.code} value={m.code}>
              {m.nameEn}
            </option>
          ))}
        </SelectField>
      ) : null}
      {has('currency') ? (
        <SelectField id="filter-currency" name="currency" label={t('currency')} defaultValue={filters.currency ?? ''} errors={errorsFor('currency')}>
          <option value="">{t('any')}</option>
          {CURRENCY_CODES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
      ) : null}
      {has('amount') ? (
        <>
          <TextField id="filter-min" name="min" inputMode="decimal" label={t('minAmount')} hint={t('amountHint')} defaultValue={amount(filters.minAmount)} errors={errorsFor('minAmount', 'amount')} />
          <TextField id="filter-max" name="max" inputMode="decimal" label={t('maxAmount')} defaultValue={amount(filters.maxAmount)} errors={errorsFor('maxAmount')} />
        </>
      ) : null}
      {has('dates') ? (
        <>
          <TextField id="filter-from" name="from" type="date" label={t('from')} hint={t('utcDays', { zone: zoneName(filters.zone) })} defaultValue={day(filters.from)} errors={errorsFor('from')} />
          <TextField id="filter-to" name="to" type="date" label={t('to')} defaultValue={day(filters.to)} errors={errorsFor('to')} />
        </>
      ) : null}
      {has('staff') ? (
        <SelectField id="filter-staff" name="staff" label={t('staff')} defaultValue={filters.staff ?? ''} errors={errorsFor('staff')}>
          <option value="">{t('anyone')}</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.email})
            </option>
          ))}
        </SelectField>
      ) : null}
      {has('sort') ? (
        <SelectField id="filter-sort" name="sort" label={t('sort')} defaultValue={filters.sort} errors={errorsFor('sort')}>
          {sorts.map((s) => (
            <option key={s} value={s}>
              {t(`sorts.${s}`)}
            </option>
          ))}
        </SelectField>
      ) : null}
      <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-4">
        <Button type="submit">{t('apply')}</Button>
        {active || issues.length ? (
          <Link href={action} className="py-2 text-sm font-medium text-blue-800 underline">
            {t('clear')}
          </Link>
        ) : null}
      </div>
      {errorsFor('after') ? (
        <p role="alert" className="text-sm text-red-700 sm:col-span-2 lg:col-span-4">
          {errorsFor('after')!.join(' ')}
        </p>
      ) : null}
    </form>
    </FiltersDisclosure>
  );
}
