import { env, tokenKeyring, type Env } from '@/lib/env';
import { TokenVault } from './token-vault';

const globalForVault = globalThis as unknown as { daikouTokenVault?: TokenVault };

/** The one construction of the token vault from configuration: the keyring (newest first) and the index key. */
export function tokenVaultFromConfig(config: Pick<Env, 'TOKEN_ENCRYPTION_KEY' | 'TOKEN_ENCRYPTION_KEYS' | 'TOKEN_INDEX_KEY'>): TokenVault {
  return TokenVault.fromKeyring(tokenKeyring(config), config.TOKEN_INDEX_KEY);
}

/** This process's token vault: built once from validated configuration and shared by every bundle. */
export function getTokenVault(): TokenVault {
  globalForVault.daikouTokenVault ??= tokenVaultFromConfig(env());
  return globalForVault.daikouTokenVault;
}
