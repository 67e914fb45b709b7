import { log } from '@/lib/log';
import path from 'node:path';
import { defineJob } from '@/lib/jobs/define-job';
import { env } from '@/lib/env';
import { fetchSftpReports } from './fetch-sftp-reports';
import { reconCopyUrl, reconMerchantId } from './recon-config';

/**
 * Every minute: when Antom's SFTP is configured (ANTOM_SFTP_HOST …), fetch new report files — at most every
 * 10 minutes after a success, and on the back-off schedule after a failure (fetchSftpReports decides). One
 * run at a time (singleton by queue policy: the handler is idempotent anyway — each file version once).
 */
export const fetchSftpJob = defineJob({
  name: 'reconciliation-fetch-sftp',
  cron: '* * * * *',
  retryLimit: 0,
  // SFTP is not an AMS call: its downloads (one at a time, under a size cap) are this run's other work.
  calls: [],
  workSeconds: 1800,
  run: async (_data, { db, now }) => {
    const config = env();
    const merchantId = reconMerchantId();
    if (!config.ANTOM_SFTP_HOST || !config.ANTOM_SFTP_USER || !merchantId) return;
    const result = await fetchSftpReports(
      db,
      {
        host: config.ANTOM_SFTP_HOST,
        port: config.ANTOM_SFTP_PORT,
        user: config.ANTOM_SFTP_USER,
        password: config.ANTOM_SFTP_PASSWORD,
        privateKey: config.ANTOM_SFTP_PRIVATE_KEY,
        merchantId,
        maxBytes: config.ANTOM_SFTP_MAX_MB * 1024 * 1024,
        spoolDir: path.join(config.DATA_DIR, 'sftp-spool'),
        copyUrl: reconCopyUrl(),
      },
      { now: now() },
    );
    for (const r of result.rejected) log().warn(`refused ${r.path}: ${r.error}`);
  },
});
