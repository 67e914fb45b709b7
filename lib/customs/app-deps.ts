import { TokenVault } from '@/lib/crypto/token-vault';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { getAlipayClient } from '@/lib/gateway/alipay-client';
import { enqueueJob } from '@/lib/jobs/process-queue';
import type { CustomsDeps } from './customs-deps';

let vault: TokenVault | undefined;

/** Customs-service dependencies for this (web) process, from validated configuration. */
export async function getCustomsDeps(): Promise<CustomsDeps> {
  const config = env();
  vault ??= TokenVault.fromBase64(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_INDEX_KEY);
  return { db: await getDb(), alipay: getAlipayClient(), vault, enqueue: enqueueJob };
}
