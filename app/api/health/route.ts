// GET /api/health — liveness, database reachability and the gateway mode (antom | simulator), for load
// balancers, monitoring (alert on `simulator` in production) and the test harness.
import { getDb } from '@/lib/db';
import { pingDatabase } from '@/lib/db/client';
import { env, gatewayMode } from '@/lib/env';

export const dynamic = 'force-dynamic';

export async function GET() {
  const gateway = gatewayMode(env());
  try {
    await pingDatabase(await getDb());
    return Response.json({ status: 'ok', gateway }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return Response.json({ status: 'database_unavailable', gateway }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
