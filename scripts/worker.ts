// npm run worker — the job worker as its own process (PostgreSQL only: PGlite allows one opener, so on the
// embedded database the worker runs inside the web process). Any number may run against one database.
// SIGTERM / SIGINT: stop taking jobs, let running ones finish within SHUTDOWN_GRACE_SECONDS (the rest go back
// to the queue for another worker), close the database, exit 0 (1 when work had to be handed back).
import { getDatabase } from '../lib/db';
import { gracefulShutdown } from '../lib/health/graceful-shutdown';
import type { JobQueue } from '../lib/jobs/job-queue';
import { getProcessQueue, startedProcessQueue } from '../lib/jobs/process-queue';
import { JOBS } from '../lib/jobs/registry';
import { env, EnvError } from '../lib/env';
import { errorLine, log, setProcessLogName } from '../lib/log';
import { applyToProcessEnv, describeGateway, loadConfigOrExit } from './load-config';
import { keyringProblems } from './prepare-runtime';

setProcessLogName('worker');
// The same configuration as `npm start` (.env, then the environment, the same gateway decision), made
// this process's environment before any portal module reads it.
const loaded = loadConfigOrExit();
if (!loaded.config.DATABASE_URL) {
  log().fatal('DATABASE_URL is not set: on the embedded PGlite the worker runs inside the web process (npm run dev / npm start).');
  process.exit(1);
}
applyToProcessEnv(loaded);
setProcessLogName('worker'); // again: the level may come from .env
for (const line of describeGateway(loaded)) log().info(line.replace('[daikou] ', ''));
if (loaded.gateway.kind === 'simulator') log().info('the local simulator itself runs inside `npm run dev` / `npm start`; start that too.');

// A key removed from TOKEN_ENCRYPTION_KEYS while rows still use it: refuse, as `npm start` does.
const refused = await keyringProblems((await getDatabase()).db, loaded.config);
if (refused.length > 0) {
  log().fatal(new EnvError(refused).message);
  process.exit(1);
}
const started: { queue?: JobQueue } = {};
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  const graceMs = env().SHUTDOWN_GRACE_SECONDS * 1000;
  log().info({ signal, running: started.queue?.running() ?? 0, graceMs }, 'stopping: taking no new jobs, finishing running ones');
  try {
    const code = await gracefulShutdown({
      queue: async () => started.queue ?? (await startedProcessQueue()),
      closers: [async () => (await getDatabase()).close()],
      graceMs,
      log: (message, fields) => log().info(fields ?? {}, message),
    });
    log().flush();
    process.exit(code);
  } catch (error) {
    log().error({ err: errorLine(error) }, 'shutdown failed');
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
started.queue = await getProcessQueue({ work: true });
log().info({ jobs: JOBS.map((job) => job.name), concurrency: env().JOB_CONCURRENCY }, `worker running ${JOBS.length} job(s)`);
