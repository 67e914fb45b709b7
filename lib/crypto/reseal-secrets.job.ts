import { defineJob } from '@/lib/jobs/define-job';
import { countSealedByVersion, onOldKeys, resealSecrets } from './sealed-secrets';

export const RESEAL_SECRETS_JOB = 'crypto-reseal-secrets';

/**
 * Hourly, and on demand from Settings: when anything is sealed under an older key of TOKEN_ENCRYPTION_KEYS,
 * re-seal it all to the newest, writing progress as it goes (Settings shows it). Idempotent and restartable:
 * each row moves by compare-and-swap, and a run picks up whatever is still on an old key.
 */
export const resealSecretsJob = defineJob({
  name: RESEAL_SECRETS_JOB,
  cron: '17 * * * *',
  retryLimit: 2,
  calls: [],
  // Re-sealing every secret of a large database is database work only; an hour before a run counts as crashed.
  workSeconds: 3600,
  run: async (_data, { db, vault, now }) => {
    if (onOldKeys(await countSealedByVersion(db), vault.keyVersion) === 0) return;
    await resealSecrets(db, vault, { now });
  },
});
