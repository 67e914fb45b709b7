import { cache } from 'react';
import { getCurrentActor } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { getZoneSettings, type ZoneSettings } from './get-zone-settings';

/** The signed-in viewer's zone settings, once per request (pages, times, exports all read this). */
export const getViewerZoneSettings = cache(async (): Promise<ZoneSettings> => {
  const actor = await getCurrentActor();
  return getZoneSettings(await getDb(), actor?.userId ?? null);
});

export async function getViewerZone(): Promise<string> {
  return (await getViewerZoneSettings()).zone;
}
