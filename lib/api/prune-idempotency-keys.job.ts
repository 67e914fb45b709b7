import { defineJob } from '@/lib/jobs/define-job';
import { pruneIdempotencyKeys } from './idempotency';

/** Every hour: merchant-API Idempotency-Key entries older than 24 h go. */
export const pruneIdempotencyKeysJob = defineJob({
  name: 'api-idempotency-prune',
  cron: '41 * * * *',
  retryLimit: 2,
  calls: [],
  run: async (_data, { db, now }) => {
    const removed = await pruneIdempotencyKeys(db, now());
    if (removed > 0) console.log(`[api] pruned ${removed} idempotency keys older than 24 h`);
  },
});
