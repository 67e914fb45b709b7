import path from 'node:path';
import { localMerchantId } from '@/lib/alipay/merchant-id';
import { env } from '@/lib/env';

/** Where report files are picked up from: RECON_DROP_DIR, else the simulator's SFTP folder. */
export function reconDropDir(): string {
  const config = env();
  return config.RECON_DROP_DIR ?? path.join(config.DATA_DIR, 'simulator', 'sftp');
}

/** The upload cap in bytes (RECON_UPLOAD_MAX_MB). */
export function reconUploadMaxBytes(): number {
  return env().RECON_UPLOAD_MAX_MB * 1024 * 1024;
}

/**
 * The merchant ID Antom assigned (ANTOM_MERCHANT_ID): every report row's customerId must be it. With the
 * local simulator and no setting, the simulator's ID for our client id; live, it is required (lib/env.ts).
 */
export function reconMerchantId(): string | undefined {
  const config = env();
  const local = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(config.ALIPAY_GATEWAY_URL);
  return config.ANTOM_MERCHANT_ID ?? (local ? localMerchantId(config.ALIPAY_CLIENT_ID) : undefined);
}

/** PostgreSQL URL for the COPY fast path, or undefined on the embedded PGlite. */
export function reconCopyUrl(): string | undefined {
  return env().DATABASE_URL;
}
