// GET /api/health — liveness and database reachability, for load balancers and the test harness.
import { getDb } from '@/lib/db';
import { pingDatabase } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    await pingDatabase(await getDb());
    return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return Response.json({ status: 'database_unavailable' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
