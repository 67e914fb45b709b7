import path from 'node:path';
import { openDatabase } from '../lib/db/client';
import type { Env } from '../lib/env';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';

/**
 * What `npm run dev` and `npm start` do to the database before Next starts, so a fresh clone needs no
 * manual setup: apply migrations and seed the first admin (printing its password once). The
 * configuration itself comes from scripts/load-config.ts, loaded before this runs.
 */
export async function prepareRuntime(config: Env): Promise<void> {
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
}
