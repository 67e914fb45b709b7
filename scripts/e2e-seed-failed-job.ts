// For the Failed jobs end-to-end test: one payment-resolve job that used up its retries, as pg-boss
// records it (sent with no retries left, fetched, failed with an error). Test data only.
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database } from '../lib/db/client';
import { JOB_SCHEMA } from '../lib/jobs/job-queue';
import { RESOLVE_PAYMENT_JOB } from '../lib/payments/payment-deps';

export async function seedFailedJob(database: Database): Promise<{ jobId: string; paymentId: string }> {
  const boss =
    database.kind === 'postgres' && database.url
      ? new PgBoss({ connectionString: database.url, schema: JOB_SCHEMA, max: 1, supervise: false, schedule: false, migrate: true })
      : new PgBoss({ db: { executeSql: (text, values) => database.executeSql(text, values) }, schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: true });
  await boss.start();
  try {
    // The portal sets the queue's real policy when it starts; this only needs the queue to exist.
    await boss.createQueue(RESOLVE_PAYMENT_JOB, { name: RESOLVE_PAYMENT_JOB, policy: 'stately' });
    const paymentId = randomUUID();
    const jobId = await boss.send(RESOLVE_PAYMENT_JOB, { paymentId }, { retryLimit: 0, singletonKey: `payment:${paymentId}` });
    if (!jobId) throw new Error('e2e seed: the failed job was not queued');
    const [fetched] = (await boss.fetch(RESOLVE_PAYMENT_JOB)) ?? [];
    if (fetched?.id !== jobId) throw new Error('e2e seed: could not take the job to fail it');
    await boss.fail(RESOLVE_PAYMENT_JOB, jobId, { message: 'e2e: inquiryPayment unanswered after every attempt' });
    return { jobId, paymentId };
  } finally {
    await boss.stop({ graceful: false, close: true, wait: true });
  }
}
