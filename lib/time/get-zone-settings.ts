import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { merchantSettings, staffUsers } from '@/lib/db/schema';
import { DEFAULT_TIME_ZONE, resolveZone } from './zone';

export interface ZoneSettings {
  /** The zone this viewer's dashboard uses. */
  zone: string;
  merchantZone: string;
  /** The viewer's own choice, null when they follow the merchant's zone. */
  userZone: string | null;
}

/** The viewer's zone and where it comes from (the merchant's, and the user's own when `userId` is given). */
export async function getZoneSettings(db: Db, userId: string | null): Promise<ZoneSettings> {
  const [merchant] = await db.select({ zone: merchantSettings.timeZone }).from(merchantSettings).where(eq(merchantSettings.id, 1)).limit(1);
  const [user] = userId ? await db.select({ zone: staffUsers.timeZone }).from(staffUsers).where(eq(staffUsers.id, sql`${userId}::uuid`)).limit(1) : [];
  return zoneSettingsFrom(user?.zone ?? null, merchant?.zone ?? null);
}

/** The settings from the two stored zones (either may be missing), for a caller that has already read them. */
export function zoneSettingsFrom(userZone: string | null, merchantZone: string | null): ZoneSettings {
  const merchant = merchantZone ?? DEFAULT_TIME_ZONE;
  return { zone: resolveZone(userZone, merchant), merchantZone: merchant, userZone };
}
