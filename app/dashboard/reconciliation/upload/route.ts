import path from 'node:path';
import { getCurrentActor } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { isSameOriginPost } from '@/lib/buyer/same-origin';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { reconMerchantId, reconCopyUrl, reconUploadMaxBytes } from '@/lib/reconciliation/recon-config';
import { uploadReportFile } from '@/lib/reconciliation/upload-report-file';

export const runtime = 'nodejs';

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

// POST /dashboard/reconciliation/upload — the raw file as the body (streamed, capped), its name in
// X-Report-File-Name. Answers JSON { ok, … } with the import result or the reason it was refused.
export async function POST(request: Request): Promise<Response> {
  const actor = await getCurrentActor();
  if (!actor) return json(401, { ok: false, code: 'unauthenticated', error: 'Your session has ended. Sign in again.' });
  if (!can(actor.role, 'reconciliation.manage')) return json(403, { ok: false, code: 'forbidden', error: 'Your role does not allow this (reconciliation.manage).' });
  if (!isSameOriginPost(request, env().APP_URL)) return json(403, { ok: false, code: 'cross_site', error: 'Uploads are accepted from the Reconciliation page only.' });
  const rawName = request.headers.get('x-report-file-name');
  let fileName: string | null = null;
  try {
    fileName = rawName ? decodeURIComponent(rawName) : null;
  } catch {
    fileName = null;
  }
  const length = request.headers.get('content-length');
  const result = await uploadReportFile(await getDb(), actor, {
    body: request.body as AsyncIterable<Uint8Array> | null,
    fileName,
    declaredLength: length && /^\d+$/.test(length) ? Number(length) : null,
    maxBytes: reconUploadMaxBytes(),
    spoolDir: path.join(env().DATA_DIR, 'uploads'),
    merchantId: reconMerchantId(),
    copyUrl: reconCopyUrl(),
  });
  if (!result.ok) return json(result.code === 'too_large' ? 413 : result.code === 'incomplete' ? 400 : 422, result);
  return json(200, {
    ok: true,
    data: {
      status: result.data.report.status,
      kind: result.data.report.kind,
      reportDate: result.data.report.reportDate,
      rowCount: result.data.report.rowCount,
      open: result.data.match?.open ?? null,
    },
  });
}
