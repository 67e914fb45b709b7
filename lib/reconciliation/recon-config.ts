import path from 'node:path';
import { env } from '@/lib/env';

/** Where report files are picked up from: RECON_DROP_DIR, else the simulator's drop folder. */
export function reconDropDir(): string {
  const config = env();
  return config.RECON_DROP_DIR ?? path.join(config.DATA_DIR, 'simulator', 'sftp');
}

/** The upload cap in bytes (RECON_UPLOAD_MAX_MB). */
export function reconUploadMaxBytes(): number {
  return env().RECON_UPLOAD_MAX_MB * 1024 * 1024;
}

/** Our Antom client id: every report row's customerId must be it. */
export function reconClientId(): string {
  return env().ALIPAY_CLIENT_ID;
}

/** PostgreSQL URL for the COPY fast path, or undefined on the embedded PGlite. */
export function reconCopyUrl(): string | undefined {
  return env().DATABASE_URL;
}
