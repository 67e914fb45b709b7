import type { TokenVault } from '@/lib/crypto/token-vault';
import { countSealedByVersion, onOldKeys, type ResealProgress } from '@/lib/crypto/sealed-secrets';
import type { Db } from '@/lib/db/client';
import { getMerchantSettings } from './get-merchant-settings';

export interface TokenKeyStatus {
  /** Key versions of TOKEN_ENCRYPTION_KEYS, newest first. */
  versions: number[];
  newest: number;
  /** Secrets still sealed under an older key (the re-seal job moves them). */
  onOldKeys: number;
  progress: ResealProgress | null;
}

/** Settings → token encryption keys: which versions are configured and how much still waits for the re-seal. */
export async function getTokenKeyStatus(db: Db, vault: Pick<TokenVault, 'versions' | 'keyVersion'>): Promise<TokenKeyStatus> {
  const [counts, settings] = await Promise.all([countSealedByVersion(db), getMerchantSettings(db)]);
  return { versions: vault.versions, newest: vault.keyVersion, onOldKeys: onOldKeys(counts, vault.keyVersion), progress: settings.resealProgress ?? null };
}
