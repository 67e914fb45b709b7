import path from 'node:path';
import { tokenVaultFromConfig } from '../lib/crypto/app-vault';
import { countSealedByVersion, removedKeysInUse } from '../lib/crypto/sealed-secrets';
import { openDatabase, type Db } from '../lib/db/client';
import { EnvError, type Env } from '../lib/env';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';

/**
 * What `npm run dev` and `npm start` do to the database before Next starts, so a fresh clone needs no
 * manual setup: apply migrations and seed the first admin (printing its password once). The
 * configuration itself comes from scripts/load-config.ts, loaded before this runs.
 */
export async function prepareRuntime(config: Env): Promise<void> {
  const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: path.join(config.DATA_DIR, 'pglite') });
  let refused: string[] = [];
  try {
    refused = await keyringProblems(database.db, config);
    if (refused.length > 0) return;
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
    if (refused.length > 0) {
      console.error(new EnvError(refused).message);
      process.exit(1);
    }
  }
}

/**
 * Start-up refuses a keyring that dropped a key still in use: it names the version and how many rows of each
 * kind would become unreadable (lib/crypto/sealed-secrets.ts).
 */
export async function keyringProblems(db: Db, config: Pick<Env, 'TOKEN_ENCRYPTION_KEY' | 'TOKEN_ENCRYPTION_KEYS' | 'TOKEN_INDEX_KEY'>): Promise<string[]> {
  return removedKeysInUse(await countSealedByVersion(db), tokenVaultFromConfig(config));
}
