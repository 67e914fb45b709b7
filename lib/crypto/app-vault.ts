import type { Env } from '@/lib/env';
import { env } from '@/lib/env';
import { TokenVault } from './token-vault';

const globalForVault = globalThis as unknown as { daikouTokenVault?: TokenVault };

/** The one construction of the token vault from configuration (scripts that hold a config use this too). */
export function tokenVaultFromConfig(config: Pick<Env, 'TOKEN_ENCRYPTION_KEY' | 'TOKEN_INDEX_KEY'>): TokenVault {
  return TokenVault.fromBase64(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_INDEX_KEY);
}

/** This process's token vault: built once from validated configuration and shared by every bundle. */
export function getTokenVault(): TokenVault {
  globalForVault.daikouTokenVault ??= tokenVaultFromConfig(env());
  return globalForVault.daikouTokenVault;
}
