import { cache } from 'react';
import { getStaffSession } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { getZoneSettings, type ZoneSettings } from './get-zone-settings';

/**
 * The signed-in viewer's zone settings, once per request (pages, times, exports all read this). They come with
 * the session's own row; a request without a passed session gets the merchant's zone.
 */
export const getViewerZoneSettings = cache(async (): Promise<ZoneSettings> => {
  const session = await getStaffSession();
  if (session?.secondFactor === 'ok') return session.zone;
  return getZoneSettings(await getDb(), null);
});

export async function getViewerZone(): Promise<string> {
  return (await getViewerZoneSettings()).zone;
}
