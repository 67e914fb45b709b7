// npm run worker — the job worker as its own process (PostgreSQL only: PGlite allows one opener, so on the
// embedded database the worker runs inside the web process). Any number may run against one database.
import { getDatabase } from '../lib/db';
import { env, EnvError } from '../lib/env';
import { getProcessQueue } from '../lib/jobs/process-queue';
import { JOBS } from '../lib/jobs/registry';

try {
  const config = env();
  if (!config.DATABASE_URL) {
    console.error('[worker] DATABASE_URL is not set: on the embedded PGlite the worker runs inside the web process (npm run dev / npm start).');
    process.exit(1);
  }
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const queue = await getProcessQueue({ work: true });
console.log(`[worker] running ${JOBS.length} job(s): ${JOBS.map((job) => job.name).join(', ')}`);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing running jobs…`);
  await queue.stop(30_000);
  await (await getDatabase()).close();
  console.log('[worker] stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
