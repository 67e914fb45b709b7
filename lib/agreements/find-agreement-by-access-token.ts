import { eq } from 'drizzle-orm';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { agreements, agreementTokenHistory } from '@/lib/db/schema';

/**
 * The agreement an access token belongs to: its current token, or any earlier one still in the history
 * (kept until that token's expiry). A TOKEN_CANCELED or INVALID_ACCESS_TOKEN carrying the token from before
 * a refresh finds its agreement this way. Blind-index lookups only; nothing is decrypted.
 */
export async function findAgreementByAccessToken(db: Db, vault: TokenVault, accessToken: string): Promise<{ id: string; status: string; current: boolean } | null> {
  const index = vault.index(accessToken, 'accessToken');
  const [current] = await db.select({ id: agreements.id, status: agreements.status }).from(agreements).where(eq(agreements.accessTokenIndex, index)).limit(1);
  if (current) return { ...current, current: true };
  const [earlier] = await db
    .select({ id: agreements.id, status: agreements.status })
    .from(agreementTokenHistory)
    .innerJoin(agreements, eq(agreements.id, agreementTokenHistory.agreementId))
    .where(eq(agreementTokenHistory.accessTokenIndex, index))
    .limit(1);
  return earlier ? { ...earlier, current: false } : null;
}
