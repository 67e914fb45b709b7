import { getAlipayClient } from '@/lib/gateway/alipay-client';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/process-queue';
import type { AgreementDeps } from './agreement-deps';

/** The path Antom sends buyers back to; part of authRedirectUrl, a server constant. */
export const AUTHORIZATION_RETURN_PATH = '/authorize/return';

/** Agreement-service dependencies for this process, from validated configuration. */
export async function getAgreementDeps(): Promise<AgreementDeps> {
  const config = env();
  const db = await getDb();
  const vault = getTokenVault();
  return {
    db,
    alipay: getAlipayClient(),
    vault,
    returnUrl: new URL(AUTHORIZATION_RETURN_PATH, config.APP_URL).toString(),
    authStateTtlMs: config.AUTH_STATE_TTL_SECONDS * 1000,
    authReturnWaitMs: config.AUTH_RETURN_WAIT_MS,
    requireAuthNotification: config.AUTH_REQUIRE_NOTIFICATION,
    enqueue: enqueueJob,
  };
}
