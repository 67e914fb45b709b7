// npm run db:migrate — apply pending migrations to the configured database (PGlite or DATABASE_URL).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../lib/db/client';

if (existsSync('.env')) process.loadEnvFile('.env');
const url = process.env.DATABASE_URL || undefined;
const database = await openDatabase({ url, pgliteDir: path.join(process.env.DATA_DIR || '.data', 'pglite') });
await database.close();
console.log(`[daikou] migrations applied (${database.kind})`);
