// npm run worker — the job worker as its own process (PostgreSQL only: PGlite allows one opener, so on the
// embedded database the worker runs inside the web process). Any number may run against one database.
import { getDatabase } from '../lib/db';
import { getProcessQueue } from '../lib/jobs/process-queue';
import { JOBS } from '../lib/jobs/registry';
import { EnvError } from '../lib/env';
import { applyToProcessEnv, describeGateway, loadConfigOrExit } from './load-config';
import { keyringProblems } from './prepare-runtime';

// The same configuration as `npm start` (.env, then the environment, the same gateway decision), made
// this process's environment before any portal module reads it.
const loaded = loadConfigOrExit();
if (!loaded.config.DATABASE_URL) {
  console.error('[worker] DATABASE_URL is not set: on the embedded PGlite the worker runs inside the web process (npm run dev / npm start).');
  process.exit(1);
}
applyToProcessEnv(loaded);
for (const line of describeGateway(loaded)) console.log(line.replace('[daikou]', '[worker]'));
if (loaded.gateway.kind === 'simulator') console.log('[worker] the local simulator itself runs inside `npm run dev` / `npm start`; start that too.');

// A key removed from TOKEN_ENCRYPTION_KEYS while rows still use it: refuse, as `npm start` does.
const refused = await keyringProblems((await getDatabase()).db, loaded.config);
if (refused.length > 0) {
  console.error(new EnvError(refused).message);
  process.exit(1);
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
