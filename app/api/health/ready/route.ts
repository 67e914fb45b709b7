// GET /api/health/ready — readiness for load balancers: database reachable, migrations current, job queue
// started, not draining after SIGTERM; names the gateway mode. 503 with the reasons when not ready.
import { getDatabase } from '@/lib/db';
import { env, gatewayMode } from '@/lib/env';
import { lifecyclePhase } from '@/lib/health/lifecycle';
import { checkReadiness } from '@/lib/health/readiness';
import { getProcessQueue } from '@/lib/jobs/process-queue';

export const dynamic = 'force-dynamic';

export async function GET() {
  const readiness = await checkReadiness({
    database: getDatabase,
    queue: () => getProcessQueue(),
    phase: lifecyclePhase,
    gateway: gatewayMode(env()),
  });
  return Response.json(readiness, { status: readiness.status === 'ready' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
