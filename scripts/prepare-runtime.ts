import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../lib/db/client';
import { EnvError, parseEnv, type Env } from '../lib/env';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';

/**
 * Everything `npm run dev` and `npm start` do before Next starts, so a fresh clone needs no manual setup:
 * load .env, create the data folder, generate the local secrets once (kept in <DATA_DIR>/secrets.json),
 * validate the configuration, apply migrations and seed the first admin (printing its password once).
 * Returns the environment to hand to the Next process.
 */
export async function prepareRuntime(options: { mode: 'development' | 'production' }): Promise<Env & { raw: NodeJS.ProcessEnv }> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const raw: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: options.mode };
  const dataDir = raw.DATA_DIR || '.data';
  mkdirSync(dataDir, { recursive: true });

  const secretsFile = path.join(dataDir, 'secrets.json');
  const secrets: Record<string, string> = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
  let changed = false;
  for (const name of ['AUTH_SECRET', 'TOKEN_ENCRYPTION_KEY', 'TOKEN_INDEX_KEY', 'SIMULATOR_SECRET'] as const) {
    if (raw[name]) continue;
    if (!secrets[name]) {
      secrets[name] = randomBytes(32).toString('base64');
      changed = true;
    }
    raw[name] = secrets[name];
  }
  if (changed) {
    writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    console.log(`[daikou] generated local secrets in ${secretsFile} (set them in the environment for a real deployment)`);
  }

  let config: Env;
  try {
    config = parseEnv(raw);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: path.join(config.DATA_DIR, 'pglite') });
  try {
    const seeded = await seedFirstAdmin(database.db, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
    if (seeded.created) {
      const password = seeded.generatedPassword ?? '(the ADMIN_PASSWORD you set)';
      console.log(
        [
          '',
          '┌──────────────────────────────────────────────────────────────',
          '│ First start: an admin account was created. Shown this once only.',
          `│   email:    ${seeded.email}`,
          `│   password: ${password}`,
          '└──────────────────────────────────────────────────────────────',
          '',
        ].join('\n'),
      );
    }
  } finally {
    await database.close();
  }
  return { ...config, raw };
}
