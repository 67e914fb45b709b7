// GET /api/health/live — liveness: the process is up and answering. Touches no database, so a database
// outage does not make an orchestrator restart every web process (readiness takes them out of rotation).
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'live', uptimeSeconds: Math.round(process.uptime()) }, { headers: { 'Cache-Control': 'no-store' } });
}
