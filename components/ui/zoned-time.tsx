import { getFormatter } from 'next-intl/server';
import { getViewerZone } from '@/lib/time/viewer-zone';
import { gmtLabel, isoInZone } from '@/lib/time/zone';

/** A point in time in the viewer's language and time zone (theirs, else the merchant's), with the offset named. */
export async function ZonedTime({ value, fallback = '—', zone }: { value: Date | null | undefined; fallback?: string; zone?: string }) {
  if (!value) return <>{fallback}</>;
  const [format, viewerZone] = await Promise.all([getFormatter(), zone ? Promise.resolve(zone) : getViewerZone()]);
  return (
    <time dateTime={isoInZone(value, viewerZone)} title={viewerZone}>
      {format.dateTime(value, { dateStyle: 'medium', timeStyle: 'short', timeZone: viewerZone })} {gmtLabel(value, viewerZone)}
    </time>
  );
}

/** The same text as <ZonedTime> for places that need a string (labels, messages). */
export async function zonedTimeText(value: Date, zone?: string): Promise<string> {
  const [format, viewerZone] = await Promise.all([getFormatter(), zone ? Promise.resolve(zone) : getViewerZone()]);
  return `${format.dateTime(value, { dateStyle: 'medium', timeStyle: 'short', timeZone: viewerZone })} ${gmtLabel(value, viewerZone)}`;
}
