import { getLocale } from 'next-intl/server';
import { formatAmount } from '@/lib/money';

/** An amount from bigint minor units, formatted for the viewer's language (exact: no float on the way). */
export async function Amount({ minor, currency }: { minor: bigint; currency: string }) {
  const locale = await getLocale();
  return <span className="whitespace-nowrap tabular-nums">{formatAmount(minor, currency, locale)}</span>;
}
