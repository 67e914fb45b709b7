import { and, eq, isNull } from 'drizzle-orm';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { agreements } from '@/lib/db/schema';

export type PairingResult = { agreementId: null } | { agreementId: string; matches: boolean };

/**
 * Records which authCode Antom paired with an authState in a verified AUTHCODE_CREATED (an HMAC, in
 * `notified_auth_code_index`). The first pairing wins and is never overwritten (resends carry the same
 * code); `matches` says whether this code is the recorded one. Takes a transaction so the notification
 * route can record it in its inbox transaction, before any job runs: the buyer's return waits for it.
 */
export async function recordAuthCodePairing(tx: Db, vault: TokenVault, pair: { authState: string; authCode: string }): Promise<PairingResult> {
  const codeIndex = vault.index(pair.authCode, 'authCode');
  const [agreement] = await tx
    .select({ id: agreements.id })
    .from(agreements)
    .where(eq(agreements.authStateIndex, vault.index(pair.authState, 'authState')))
    .limit(1);
  if (!agreement) return { agreementId: null };
  await tx.update(agreements).set({ notifiedAuthCodeIndex: codeIndex }).where(and(eq(agreements.id, agreement.id), isNull(agreements.notifiedAuthCodeIndex)));
  const [paired] = await tx.select({ notified: agreements.notifiedAuthCodeIndex }).from(agreements).where(eq(agreements.id, agreement.id));
  return { agreementId: agreement.id, matches: paired?.notified === codeIndex };
}
