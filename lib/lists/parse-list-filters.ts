import { PAYMENT_METHOD_CODES } from '@/lib/alipay';
import { isCurrencyCode, isMoneyError, MoneyError, parseAmount, toMajorString } from '@/lib/money';
import { isUuid } from '@/lib/db/is-uuid';
import { dayKey, DEFAULT_TIME_ZONE, isDayKey, nextDay, startOfDay } from '@/lib/time/zone';

/** The filters every dashboard list understands, as read from the URL (so a view can be shared). */
export interface ListFilters {
  status: string | null;
  wallet: string | null;
  currency: string | null;
  /** Minor units of `currency`, inclusive. Only with a currency: amounts of different currencies do not compare. */
  minAmount: bigint | null;
  maxAmount: bigint | null;
  /** Inclusive day range in `zone`, as [from 00:00, to+1 00:00) local time; each holds its day's first instant. */
  from: Date | null;
  to: Date | null;
  /** The viewer's time zone (IANA): the days above are its days. */
  zone: string;
  /** Staff user who initiated the object. */
  staff: string | null;
  /** Free text matched exactly against the list's ids (see each list). */
  q: string | null;
  sort: ListSort;
  /** Id of the last row of the previous page (keyset cursor). */
  after: string | null;
}

export const LIST_SORTS = ['newest', 'oldest', 'amount_desc', 'amount_asc'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** Which filter a problem is about, and a message key under `lists.errors` with its values. */
export interface FilterIssue {
  field: keyof ListFilters | 'amount';
  code: 'status' | 'wallet' | 'currency' | 'amount' | 'amountNeedsCurrency' | 'amountOrder' | 'date' | 'dateOrder' | 'staff' | 'sort' | 'cursor' | 'query';
  value: string;
}

export type ParsedFilters = { ok: true; filters: ListFilters } | { ok: false; issues: FilterIssue[]; filters: ListFilters };

export const EMPTY_FILTERS: ListFilters = {
  status: null,
  wallet: null,
  currency: null,
  minAmount: null,
  maxAmount: null,
  from: null,
  to: null,
  zone: DEFAULT_TIME_ZONE,
  staff: null,
  q: null,
  sort: 'newest',
  after: null,
};

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function read(params: Params, key: string): string | null {
  const raw = params instanceof URLSearchParams ? params.get(key) : params[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  // Control characters (a NUL makes PostgreSQL refuse the whole query) never belong in a filter.
  const trimmed = typeof value === 'string' ? value.replace(/[\u0000-\u001f\u007f]/g, '').trim() : '';
  return trimmed ? trimmed : null;
}

function parseDay(value: string, zone: string): Date | null {
  // Rejects 2026-02-31 (Date would roll it over to March).
  return isDayKey(value) ? startOfDay(value, zone) : null;
}

/**
 * Reads list filters from URL parameters. Every bad value yields a precise issue and is dropped from the
 * filters, so a page shows the error and does not silently run a different query. `allowed` says which
 * statuses this list has; lists without amounts or staff simply ignore those filters.
 */
export function parseListFilters(params: Params, allowed: { statuses?: readonly string[]; zone?: string } = {}): ParsedFilters {
  const issues: FilterIssue[] = [];
  const filters: ListFilters = { ...EMPTY_FILTERS, zone: allowed.zone ?? DEFAULT_TIME_ZONE };

  const status = read(params, 'status');
  if (status) {
    if (allowed.statuses?.includes(status)) filters.status = status;
    else issues.push({ field: 'status', code: 'status', value: status });
  }
  const wallet = read(params, 'wallet');
  if (wallet) {
    if ((PAYMENT_METHOD_CODES as readonly string[]).includes(wallet)) filters.wallet = wallet;
    else issues.push({ field: 'wallet', code: 'wallet', value: wallet });
  }
  const currency = read(params, 'currency');
  if (currency) {
    if (isCurrencyCode(currency)) filters.currency = currency;
    else issues.push({ field: 'currency', code: 'currency', value: currency });
  }
  for (const [key, field] of [
    ['min', 'minAmount'],
    ['max', 'maxAmount'],
  ] as const) {
    const value = read(params, key);
    if (!value) continue;
    if (!filters.currency) {
      issues.push({ field: 'amount', code: 'amountNeedsCurrency', value });
      continue;
    }
    try {
      const minor = parseAmount(value, filters.currency);
      if (minor < 0n) throw new MoneyError('INVALID_AMOUNT', 'negative');
      filters[field] = minor;
    } catch (error) {
      if (!isMoneyError(error)) throw error;
      issues.push({ field, code: 'amount', value });
    }
  }
  if (filters.minAmount !== null && filters.maxAmount !== null && filters.minAmount > filters.maxAmount) {
    issues.push({ field: 'amount', code: 'amountOrder', value: `${read(params, 'min')} > ${read(params, 'max')}` });
    filters.minAmount = filters.maxAmount = null;
  }
  for (const key of ['from', 'to'] as const) {
    const value = read(params, key);
    if (!value) continue;
    const day = parseDay(value, filters.zone);
    if (day) filters[key] = day;
    else issues.push({ field: key, code: 'date', value });
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    issues.push({ field: 'to', code: 'dateOrder', value: `${read(params, 'from')} > ${read(params, 'to')}` });
    filters.from = filters.to = null;
  }
  const staff = read(params, 'staff');
  if (staff) {
    if (isUuid(staff)) filters.staff = staff.toLowerCase();
    else issues.push({ field: 'staff', code: 'staff', value: staff });
  }
  const q = read(params, 'q');
  if (q) {
    if (q.length <= 128) filters.q = q;
    else issues.push({ field: 'q', code: 'query', value: `${q.slice(0, 20)}…` });
  }
  const sort = read(params, 'sort');
  if (sort) {
    if ((LIST_SORTS as readonly string[]).includes(sort)) filters.sort = sort as ListSort;
    else issues.push({ field: 'sort', code: 'sort', value: sort });
  }
  const after = read(params, 'after');
  if (after) {
    if (isUuid(after)) filters.after = after.toLowerCase();
    else issues.push({ field: 'after', code: 'cursor', value: after });
  }
  return issues.length ? { ok: false, issues, filters } : { ok: true, filters };
}

/** The URL query for these filters (no cursor unless given), for links, pagination and export. */
export function filtersToQuery(filters: ListFilters, overrides: { after?: string | null; sort?: ListSort } = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.status) params.set('status', filters.status);
  if (filters.wallet) params.set('wallet', filters.wallet);
  if (filters.currency) params.set('currency', filters.currency);
  if (filters.currency && filters.minAmount !== null) params.set('min', minorToMajorInput(filters.minAmount, filters.currency));
  if (filters.currency && filters.maxAmount !== null) params.set('max', minorToMajorInput(filters.maxAmount, filters.currency));
  if (filters.from) params.set('from', dayKey(filters.from, filters.zone));
  if (filters.to) params.set('to', dayKey(filters.to, filters.zone));
  if (filters.staff) params.set('staff', filters.staff);
  const sort = overrides.sort ?? filters.sort;
  if (sort !== 'newest') params.set('sort', sort);
  const after = overrides.after === undefined ? null : overrides.after;
  if (after) params.set('after', after);
  return params;
}

function minorToMajorInput(minor: bigint, currency: string): string {
  return toMajorString(minor, currency);
}

/** The exclusive upper bound of the `to` day: the next day's 00:00 in the zone (not +24 h: DST days differ). */
export function endOfDay(day: Date, zone: string = DEFAULT_TIME_ZONE): Date {
  return startOfDay(nextDay(dayKey(day, zone)), zone);
}
