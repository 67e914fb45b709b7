import { log } from '@/lib/log';
import { defineJob } from '@/lib/jobs/define-job';
import { importDropFolder } from './import-drop-folder';
import { reconMerchantId, reconCopyUrl, reconDropDir } from './recon-config';

/**
 * Every 10 minutes: load new report files from the drop folder and match the days they cover. Idempotent
 * (files are unique by hash, matching recomputes open discrepancies); a large file may take a while.
 */
export const importReportsJob = defineJob({
  name: 'reconciliation-import-reports',
  cron: '*/10 * * * *',
  retryLimit: 3,
  retryDelaySeconds: 30,
  calls: [],
  workSeconds: 870,
  run: async (_data, { db }) => {
    const result = await importDropFolder(db, { dir: reconDropDir(), merchantId: reconMerchantId(), copyUrl: reconCopyUrl() });
    for (const r of result.rejected) log().warn(`refused ${r.fileName}: ${r.code}`);
  },
});
