import { isNull, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { merchantSettings } from '@/lib/db/schema';

export interface TokenRefreshHalt {
  at: Date;
  code: string;
  message: string;
}

/** Whether token refreshes are stopped for everyone, and why. */
export async function getTokenRefreshHalt(db: Db): Promise<TokenRefreshHalt | null> {
  const [row] = await db
    .select({ at: merchantSettings.tokenRefreshHaltedAt, code: merchantSettings.tokenRefreshHaltCode, message: merchantSettings.tokenRefreshHaltMessage })
    .from(merchantSettings)
    .limit(1);
  return row?.at ? { at: row.at, code: row.code ?? '', message: row.message ?? '' } : null;
}

/**
 * Stops token refreshes for every agreement after a merchant-side configuration refusal (ACCESS_DENIED,
 * KEY_NOT_FOUND …). One alert: the first refusal sets it, later ones leave it as it is. Returns whether this
 * call raised it.
 */
export async function haltTokenRefresh(db: Db, input: { code: string; message: string; at: Date }): Promise<boolean> {
  const raised = await db
    .insert(merchantSettings)
    .values({ id: 1, tokenRefreshHaltedAt: input.at, tokenRefreshHaltCode: input.code, tokenRefreshHaltMessage: input.message })
    .onConflictDoUpdate({
      target: merchantSettings.id,
      set: { tokenRefreshHaltedAt: input.at, tokenRefreshHaltCode: input.code, tokenRefreshHaltMessage: input.message },
      setWhere: isNull(merchantSettings.tokenRefreshHaltedAt),
    })
    .returning({ id: merchantSettings.id });
  return raised.length > 0;
}

/** Lifts the stop (an admin fixed the configuration); due refreshes run at the next sweep. */
export async function clearTokenRefreshHalt(db: Db): Promise<boolean> {
  const cleared = await db
    .update(merchantSettings)
    .set({ tokenRefreshHaltedAt: null, tokenRefreshHaltCode: null, tokenRefreshHaltMessage: null, updatedAt: sql`now()` })
    .where(sql`${merchantSettings.tokenRefreshHaltedAt} is not null`)
    .returning({ id: merchantSettings.id });
  return cleared.length > 0;
}
