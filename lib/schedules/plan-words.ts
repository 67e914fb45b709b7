import { formatAmount } from '@/lib/money';

/** A translator of the `buyer` messages (next-intl's, on a page or in the worker). */
export type BuyerTranslate = (key: string, values?: Record<string, string | number>) => string;

/** The calendar terms of a plan or a schedule, as the buyer reads them. */
export interface PlanTerms {
  amountMinor: bigint | string;
  currency: string;
  intervalUnit: string;
  intervalCount: number;
  maxPeriods: number | null;
}

/** A local YYYY-MM-DD as a long date in the buyer's language ("1 May 2027", "2027年5月1日"). */
export function longDate(localDate: string, locale: string): string {
  const [y, m, d] = localDate.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

/** An instant's date in a zone, as a long date in the buyer's language. */
export function longDateAt(instant: Date, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(instant);
}

export function planAmount(terms: Pick<PlanTerms, 'amountMinor' | 'currency'>, locale: string): string {
  return formatAmount(BigInt(terms.amountMinor), terms.currency, locale, { currencyDisplay: 'narrowSymbol' });
}

/** "₱499.00 every month" in the buyer's language. */
export function planEvery(t: BuyerTranslate, terms: PlanTerms, locale: string): string {
  return t('plan.every', { amount: planAmount(terms, locale), count: terms.intervalCount, unit: terms.intervalUnit });
}

/** "₱499.00 every month from 1 May 2027" (and "12 charges in total" when the plan has a count). */
export function planLine(t: BuyerTranslate, terms: PlanTerms, firstDate: string, locale: string): string {
  const line = t('plan.from', { every: planEvery(t, terms, locale), date: longDate(firstDate, locale) });
  return terms.maxPeriods ? `${line} · ${t('plan.charges', { count: terms.maxPeriods })}` : line;
}
