import { and, asc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay/call-outcome';
import type { EndpointRequest } from '@/lib/alipay';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { customsDeclarations, type CustomsDeclaration } from '@/lib/db/schema';
import { applyDeclareOutcome } from './apply-declare-outcome';
import { declarationBodyAad, recordCustomsEvent, type CustomsDeps } from './customs-deps';

/** Antom's limit per inquiryDeclarationRequests call (ams-api.md §12.2). */
export const INQUIRY_BATCH = 10;
/** Declarations handled per run; the next run (or an enqueued one) takes the rest. */
export const POLL_PER_RUN = 200;
/**
 * A CREATED row younger than this still belongs to the request that is sending it: the slowest possible
 * first declare (declareCustoms sends it with one transport retry) plus a margin for its writes.
 */
const createdGraceMs = (deps: Pick<CustomsDeps, 'alipay'>) => deps.alipay.worstCaseCallMs('declare') + 30_000;

export interface PollResult {
  resent: number;
  inquired: number;
  finalised: number;
}

/**
 * One pass of the customs poller: resends declarations whose declare call has no trustworthy answer
 * (the identical sealed body, so Antom deduplicates on declarationRequestId), then asks Antom about
 * waiting ones in calls of at most 10 ids, and records final answers (SUCCESS → SUCCEEDED,
 * FAIL → FAILED) by guarded update. Idempotent: everything is re-read, and a second runner's updates
 * simply find the row already moved. `onlyIds` limits it to some declarations (staff "check now").
 */
export async function pollCustomsDeclarations(deps: CustomsDeps, options: { onlyIds?: string[] } = {}): Promise<PollResult> {
  const now = deps.now?.() ?? new Date();
  const result: PollResult = { resent: 0, inquired: 0, finalised: 0 };
  const only = options.onlyIds && options.onlyIds.length > 0 ? inArray(customsDeclarations.id, options.onlyIds) : undefined;

  const unsent = await deps.db
    .select()
    .from(customsDeclarations)
    .where(
      and(
        or(eq(customsDeclarations.status, 'UNKNOWN'), and(eq(customsDeclarations.status, 'CREATED'), lt(customsDeclarations.createdAt, new Date(now.getTime() - createdGraceMs(deps))))),
        only,
      ),
    )
    .orderBy(asc(customsDeclarations.updatedAt))
    .limit(POLL_PER_RUN);
  for (const row of unsent) {
    const body = JSON.parse(deps.vault.open(row.requestBodyCiphertext, declarationBodyAad(row.id))) as Record<string, unknown>;
    // The wire form has splitOrder as a string; the client's input schema takes a boolean.
    const request = { ...body, splitOrder: body['splitOrder'] === 'true' || body['splitOrder'] === true } as unknown as EndpointRequest<'declare'>;
    const outcome = await classifyCall(deps.alipay.declare(request, { subject: `payment:${row.paymentId}`, expectedBodySha256: row.requestBodyHash }));
    await applyDeclareOutcome(deps, row, outcome, 'job');
    result.resent++;
  }

  const waiting = await deps.db
    .select()
    .from(customsDeclarations)
    .where(and(eq(customsDeclarations.status, 'WAITING'), only))
    .orderBy(sql`${customsDeclarations.lastPolledAt} asc nulls first`, asc(customsDeclarations.id))
    .limit(POLL_PER_RUN);
  for (let i = 0; i < waiting.length; i += INQUIRY_BATCH) {
    const batch = waiting.slice(i, i + INQUIRY_BATCH);
    const outcome = await classifyCall(deps.alipay.inquiryDeclarationRequests({ declarationRequestIds: batch.map((d) => d.declarationRequestId) }, { subject: 'customs:poll' }));
    result.inquired += batch.length;
    const polledAt = deps.now?.() ?? new Date();
    await deps.db
      .update(customsDeclarations)
      .set({ lastPolledAt: polledAt, pollAttempts: sql`${customsDeclarations.pollAttempts} + 1` })
      .where(inArray(customsDeclarations.id, batch.map((d) => d.id)));
    if (outcome.kind !== 'succeeded') continue; // try again next run
    const records = new Map((outcome.data.declarationRecords ?? []).map((r) => [r.declarationRequestId ?? '', r]));
    for (const row of batch) {
      const record = records.get(row.declarationRequestId);
      const status = record?.declarationRequestStatus;
      if (status !== 'SUCCESS' && status !== 'FAIL') continue;
      if (await finalise(deps, row, status === 'SUCCESS' ? 'SUCCEEDED' : 'FAILED', record, polledAt)) result.finalised++;
    }
  }
  return result;
}

async function finalise(
  deps: CustomsDeps,
  row: CustomsDeclaration,
  to: 'SUCCEEDED' | 'FAILED',
  record: { customsDeclarationResultCode?: string | null; customsDeclarationResultDesc?: string | null; customsPaymentId?: string | null; customsOrderId?: string | null } | undefined,
  at: Date,
): Promise<boolean> {
  const updated = await guardedTransition(deps.db, customsDeclarations, {
    id: row.id,
    from: ['WAITING'],
    to,
    set: {
      customsResultCode: record?.customsDeclarationResultCode ?? null,
      customsResultDesc: record?.customsDeclarationResultDesc ?? null,
      customsPaymentId: record?.customsPaymentId ?? row.customsPaymentId,
      customsOrderId: record?.customsOrderId ?? row.customsOrderId,
      finalAt: at,
      updatedAt: at,
    },
  });
  if (!updated) return false;
  await recordCustomsEvent(deps.db, row.paymentId, to === 'SUCCEEDED' ? 'customs_declaration_succeeded' : 'customs_declaration_failed', 'job', {
    declarationRequestId: row.declarationRequestId,
    customsResultCode: updated.customsResultCode,
    customsResultDesc: updated.customsResultDesc,
  });
  return true;
}
