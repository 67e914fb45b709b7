import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { merchantSettings, staffUsers } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from './zone';

export const timeZoneInput = z.object({ zone: z.string().trim().refine(isValidTimeZone, 'Choose a time zone from the list') });
/** "" = follow the merchant's zone. */
export const ownTimeZoneInput = z.object({ zone: z.string().trim().refine((v) => v === '' || isValidTimeZone(v), 'Choose a time zone from the list') });

/** The merchant's day for everyone without their own zone (admins). Audited. */
export async function setMerchantTimeZone(db: Db, actor: Actor, zone: string): Promise<ServiceResult<{ zone: string }, 'invalid_zone'>> {
  assertCan(actor, 'settings.manage');
  if (!isValidTimeZone(zone)) return fail('invalid_zone', 'Unknown time zone.');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ zone: merchantSettings.timeZone }).from(merchantSettings).where(eq(merchantSettings.id, 1)).limit(1);
    await tx
      .insert(merchantSettings)
      .values({ id: 1, timeZone: zone, updatedAt: new Date() })
      .onConflictDoUpdate({ target: merchantSettings.id, set: { timeZone: zone, updatedAt: new Date() } });
    await recordAudit(tx, actor, {
      action: 'merchant_settings.time_zone',
      objectType: 'merchant_settings',
      objectId: '1',
      before: { timeZone: before?.zone ?? DEFAULT_TIME_ZONE },
      after: { timeZone: zone },
    });
    return ok({ zone });
  });
}

/** A staff member's own zone (null: the merchant's). Any signed-in staff member, for themselves only. Audited. */
export async function setOwnTimeZone(db: Db, actor: Actor, zone: string | null): Promise<ServiceResult<{ zone: string | null }, 'invalid_zone'>> {
  assertCan(actor, 'dashboard.read');
  if (zone !== null && !isValidTimeZone(zone)) return fail('invalid_zone', 'Unknown time zone.');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ zone: staffUsers.timeZone }).from(staffUsers).where(eq(staffUsers.id, sql`${actor.userId}::uuid`)).limit(1);
    await tx.update(staffUsers).set({ timeZone: zone, updatedAt: new Date() }).where(eq(staffUsers.id, sql`${actor.userId}::uuid`));
    await recordAudit(tx, actor, { action: 'staff.time_zone', objectType: 'staff_user', objectId: actor.userId, before: { timeZone: before?.zone ?? null }, after: { timeZone: zone } });
    return ok({ zone });
  });
}
