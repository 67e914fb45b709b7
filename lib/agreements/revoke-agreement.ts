import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { classifyCall } from '@/lib/alipay';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { isUuid } from '@/lib/db/is-uuid';
import { agreements, type Agreement } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { nowOf, recordAgreementEvent, type AgreementDeps } from './agreement-deps';
import { RETRY_REVOKE_JOB } from './retry-agreement-revoke';
import { pauseSchedulesForAgreement } from '@/lib/schedules/manage-schedule';

/** Result codes meaning the token is already dead at Antom: the agreement is over either way. */
const DEAD_TOKEN_CODES = new Set(['INVALID_ACCESS_TOKEN', 'ACCESS_TOKEN_EXPIRED', 'AUTH_CANCELED', 'USER_NOT_EXIST']);
/**
 * A revoke claim older than this lost its owner (process died mid-call); the next revoker takes it over.
 * Longer than the slowest possible revoke (every attempt timing out, with the transport's retries), so a
 * live claim is never taken over, plus a margin for the writes around the call.
 */
export function staleRevokeMs(deps: Pick<AgreementDeps, 'alipay'>): number {
  return deps.alipay.worstCaseCallMs('revoke') + 30_000;
}
/** How long a concurrent revoker waits for the owner's answer before saying "in progress". */
export const REVOKE_WAIT_MS = 20_000;

export type RevokeAgreementCode = 'not_found' | 'not_active' | 'revoke_failed' | 'revoke_unavailable' | 'revoke_in_progress';

/**
 * Ends an agreement from the merchant side: revoke at Antom, then REVOKED. Idempotent (an already revoked
 * agreement is a success, reported as it stands). Buyers may revoke only their own customer's agreements
 * (`customerId`); staff need the `payments.cancel` permission and are audited.
 *
 * Concurrent revokers (a buyer and two staff at once) converge: one guarded UPDATE elects the single caller
 * of revoke at Antom (`revoke_started_at`), the others wait for its result, and only the caller whose
 * guarded ACTIVE → REVOKED/INVALID update returned a row audits it. Everyone is told the final state.
 */
export async function revokeAgreement(
  deps: AgreementDeps,
  input: { agreementId: string; by: { kind: 'buyer'; customerId: string } | { kind: 'staff'; actor: Actor } },
): Promise<ServiceResult<{ status: 'REVOKED' | 'INVALID' }, RevokeAgreementCode>> {
  if (input.by.kind === 'staff') assertCan(input.by.actor, 'payments.cancel');
  if (!isUuid(input.agreementId)) return fail('not_found', 'No such authorization.');
  const [agreement] = await deps.db.select().from(agreements).where(eq(agreements.id, input.agreementId));
  if (!agreement || (input.by.kind === 'buyer' && agreement.customerId !== input.by.customerId)) return fail('not_found', 'No such authorization.');
  if (agreement.status === 'REVOKED' || agreement.status === 'INVALID') return ok({ status: agreement.status });
  if (agreement.status !== 'ACTIVE' || !agreement.accessTokenCiphertext || agreement.tokenKeyVersion === null) {
    return fail('not_active', 'This authorization is not active.');
  }

  const now = nowOf(deps);
  const claim = await guardedTransition(deps.db, agreements, {
    id: agreement.id,
    from: ['ACTIVE'],
    to: 'ACTIVE',
    set: { revokeStartedAt: now },
    where: or(isNull(agreements.revokeStartedAt), lt(agreements.revokeStartedAt, new Date(now.getTime() - staleRevokeMs(deps)))),
  });
  if (!claim) return reportSettled(await waitWhileRevoking(deps, agreement.id));

  const accessToken = deps.vault.open(agreement.accessTokenCiphertext, agreementTokenAad(agreement.id, 'access_token', agreement.tokenKeyVersion));
  const call = await classifyCall(deps.alipay.revoke({ accessToken }, { subject: `agreement:${agreement.id}` }));
  const revokedBy = input.by.kind === 'buyer' ? 'buyer' : `staff:${input.by.actor.email}`;
  await recordAgreementEvent(deps.db, agreement.id, 'revoke', { by: input.by.kind, outcome: call.kind, resultCode: call.resultCode });
  const status = call.kind === 'succeeded' ? 'REVOKED' : call.kind === 'failed' && DEAD_TOKEN_CODES.has(call.resultCode) ? 'INVALID' : null;
  if (!status) {
    // Give the claim back so the next attempt may call again (revoke is safe to repeat).
    await deps.db.update(agreements).set({ revokeStartedAt: null }).where(and(eq(agreements.id, agreement.id), eq(agreements.revokeStartedAt, now)));
    if (call.kind === 'unknown' && deps.enqueue) {
      // U / no answer: the revoke may or may not have happened. Resend it in the background until Antom answers.
      await deps.enqueue(RETRY_REVOKE_JOB, { agreementId: agreement.id, revokedBy }, { singletonKey: `revoke:${agreement.id}`, startAfterSeconds: 30 });
      return fail('revoke_unavailable', 'The wallet did not answer yet. We keep trying in the background; the authorization shows Revoked once the wallet confirms.');
    }
    return call.kind === 'failed' ? fail('revoke_failed', call.reason) : fail('revoke_unavailable', 'The wallet could not be reached. Try again in a moment.');
  }
  const done = nowOf(deps);
  const changed = await deps.db.transaction(async (tx) => {
    const row = await guardedTransition(tx, agreements, {
      id: agreement.id,
      from: ['ACTIVE'],
      to: status,
      set: { revokedAt: done, revokedBy, updatedAt: done },
      where: eq(agreements.revokeStartedAt, now),
    });
    if (row) await pauseSchedulesForAgreement(tx, agreement.id, `Paused: the agreement was ${status === 'REVOKED' ? 'revoked' : 'ended'} (${revokedBy}).`, done);
    if (row && input.by.kind === 'staff') {
      await recordAudit(tx, input.by.actor, { action: 'agreement.revoke', objectType: 'agreement', objectId: agreement.id, before: { status: 'ACTIVE' }, after: { status } });
    }
    return row;
  });
  // A TOKEN_CANCELED notification may have ended it meanwhile: report what the row says, audit nothing.
  return changed ? ok({ status }) : reportSettled(await load(deps, agreement.id));
}

function reportSettled(row: Agreement): ServiceResult<{ status: 'REVOKED' | 'INVALID' }, RevokeAgreementCode> {
  if (row.status === 'REVOKED' || row.status === 'INVALID') return ok({ status: row.status });
  return fail('revoke_in_progress', 'This authorization is being revoked right now. Reload in a moment to see the result.');
}

async function load(deps: AgreementDeps, agreementId: string): Promise<Agreement> {
  const [row] = await deps.db.select().from(agreements).where(eq(agreements.id, agreementId));
  if (!row) throw new Error(`agreement ${agreementId} vanished`);
  return row;
}

/** Polls while another caller's revoke is in flight (bounded), then returns the row as it stands. */
async function waitWhileRevoking(deps: AgreementDeps, agreementId: string): Promise<Agreement> {
  const deadline = Date.now() + REVOKE_WAIT_MS;
  let row = await load(deps, agreementId);
  while (row.status === 'ACTIVE' && row.revokeStartedAt !== null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    row = await load(deps, agreementId);
  }
  return row;
}
