import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { reconSftpState } from '@/lib/db/schema';

/** The SFTP fetcher's progress (last fetched, last error), or null before its first run. No secrets. */
export async function getSftpStatus(db: Db): Promise<typeof reconSftpState.$inferSelect | null> {
  const [state] = await db.select().from(reconSftpState).where(eq(reconSftpState.id, 1));
  return state ?? null;
}
