// GET /api/metrics — Prometheus text format, behind `Authorization: Bearer <METRICS_TOKEN>`; 404 when
// METRICS_TOKEN is unset. Database-backed gauges are read at scrape time.
import { getDatabase } from '@/lib/db';
import { env } from '@/lib/env';
import { errorLine, log } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { authorizeScrape } from '@/lib/metrics/authorize-scrape';
import { collectDatabaseGauges } from '@/lib/metrics/database-gauges';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const allowed = authorizeScrape(env().METRICS_TOKEN, request.headers.get('authorization'));
  if (allowed === 404) return new Response('Not found', { status: 404 });
  if (allowed === 401) return new Response('Unauthorized', { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  try {
    await collectDatabaseGauges(await getDatabase());
  } catch (error) {
    log().warn({ err: errorLine(error) }, 'metrics: database gauges not read');
  }
  const registry = metrics().registry;
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
}
