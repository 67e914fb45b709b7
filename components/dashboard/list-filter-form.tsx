import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { PAYMENT_METHODS } from '@/lib/alipay';
import { CURRENCY_CODES, toMajorString } from '@/lib/money';
import { LIST_SORTS, type FilterIssue, type ListFilters } from '@/lib/lists/parse-list-filters';

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
  const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
  const amount = (v: bigint | null) => (v !== null && filters.currency ? toMajorString(v, filters.currency) : '');
  const active = Boolean(filters.q || filters.status || filters.wallet || filters.currency || filters.from || filters.to || filters.staff || filters.minAmount !== null || filters.maxAmount !== null || filters.sort !== 'newest');
  return (
    <form method="get" action={action} role="search" aria-label={t('filterLabel')} className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
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
          <TextField id="filter-from" name="from" type="date" label={t('from')} hint={t('utcDays')} defaultValue={day(filters.from)} errors={errorsFor('from')} />
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
  );
}
