import { getFormatter } from 'next-intl/server';

/** A point in time in the viewer's language, always in UTC and saying so. */
export async function UtcTime({ value, fallback = '—' }: { value: Date | null | undefined; fallback?: string }) {
  if (!value) return <>{fallback}</>;
  const format = await getFormatter();
  return <time dateTime={value.toISOString()}>{format.dateTime(value, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC</time>;
}
