// npm run db:migrate — apply pending migrations to the configured database (PGlite or DATABASE_URL, from
// the environment or .env, loaded as npm start does).
import path from 'node:path';
import { log, setProcessLogName } from '../lib/log';
import { openDatabase } from '../lib/db/client';
import { loadConfigOrExit } from './load-config';

setProcessLogName('db-migrate');
const { config } = loadConfigOrExit();
const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: path.join(config.DATA_DIR, 'pglite') });
await database.close();
log().info({ database: database.kind }, 'migrations applied');
