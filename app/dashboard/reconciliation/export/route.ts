import { getCurrentActor } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { exportDiscrepanciesCsv } from '@/lib/reconciliation/export-discrepancies-csv';

// GET /dashboard/reconciliation/export?date=YYYY-MM-DD — that day's discrepancies (all days without a date) as CSV.
export async function GET(request: Request): Promise<Response> {
  const actor = await getCurrentActor();
  if (!actor) return new Response('Sign in first.', { status: 401 });
  if (!can(actor.role, 'dashboard.read')) return new Response('Forbidden.', { status: 403 });
  const date = new URL(request.url).searchParams.get('date');
  const day = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
  const csv = await exportDiscrepanciesCsv(await getDb(), day);
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="reconciliation-${day ?? 'all'}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
