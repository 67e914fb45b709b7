import { getCurrentActor } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { exportListCsv, isExportList } from '@/lib/export/export-list-csv';
import { AGREEMENT_STATUSES } from '@/lib/agreements/list-agreements';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { PAYMENT_STATUSES } from '@/lib/payments/list-payments';
import { REFUND_STATUSES } from '@/lib/refunds/list-refunds';
import { SCHEDULE_STATUSES } from '@/lib/schedules/list-schedules';
import { getZoneSettings } from '@/lib/time/get-zone-settings';
import { dayKey } from '@/lib/time/zone';

export const dynamic = 'force-dynamic';

const STATUSES = { payments: PAYMENT_STATUSES, refunds: REFUND_STATUSES, agreements: AGREEMENT_STATUSES, customers: [] as string[], schedules: SCHEDULE_STATUSES };

function problem(status: number, message: string) {
  return Response.json({ error: message }, { status, headers: { 'cache-control': 'no-store' } });
}

// GET /api/export/{payments|refunds|agreements|customers|schedules}?<list filters> — the filtered list as a streamed CSV download.
export async function GET(request: Request, { params }: { params: Promise<{ list: string }> }) {
  const actor = await getCurrentActor();
  if (!actor) return problem(401, 'Sign in to export.');
  if (!can(actor.role, 'dashboard.read')) return problem(403, 'Your role cannot export lists.');
  const { list } = await params;
  if (!isExportList(list)) return problem(404, 'Unknown list: export payments, refunds, agreements, customers or schedules.');
  const db = await getDb();
  const { zone } = await getZoneSettings(db, actor.userId);
  const parsed = parseListFilters(new URL(request.url).searchParams, { statuses: STATUSES[list], zone });
  if (!parsed.ok) return problem(400, `Invalid filter: ${parsed.issues.map((i) => `${i.field} (${i.code})`).join(', ')}. Nothing was exported.`);
  const stream = exportListCsv(db, actor, list, parsed.filters);
  // The file names the zone its days and times are in.
  const day = dayKey(new Date(), zone);
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${list}-${day}-${zone.replaceAll('/', '_')}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-time-zone': zone,
    },
  });
}
