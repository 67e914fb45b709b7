import type { CallOutcome } from '@/lib/alipay/call-outcome';
import type { EndpointResponse } from '@/lib/alipay';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { customsDeclarations, type CustomsDeclaration } from '@/lib/db/schema';
import { recordCustomsEvent, type CustomsDeps } from './customs-deps';

/**
 * Records what a declare call (first send or identical resend) answered. S → WAITING for customs;
 * F or a request that could never be sent → REJECTED; anything else → UNKNOWN, which the poller resends
 * byte for byte (declarationRequestId is Antom's idempotency key). Only the caller whose guarded update
 * wins writes the timeline entry.
 */
export async function applyDeclareOutcome(
  deps: CustomsDeps,
  declaration: CustomsDeclaration,
  outcome: CallOutcome<EndpointResponse<'declare'>>,
  cause: 'staff' | 'job',
): Promise<CustomsDeclaration> {
  const now = deps.now?.() ?? new Date();
  const from = ['CREATED', 'UNKNOWN'] as const;
  let updated: CustomsDeclaration | null = null;
  if (outcome.kind === 'succeeded') {
    updated = await guardedTransition(deps.db, customsDeclarations, {
      id: declaration.id,
      from,
      to: 'WAITING',
      set: {
        customsPaymentId: outcome.data.customsPaymentId ?? null,
        customsOrderId: outcome.data.customsOrderId ?? null,
        resultCode: outcome.resultCode,
        resultMessage: null,
        updatedAt: now,
      },
    });
    if (updated) {
      await recordCustomsEvent(deps.db, declaration.paymentId, 'customs_declaration_submitted', cause, {
        declarationRequestId: declaration.declarationRequestId,
        customsPaymentId: updated.customsPaymentId,
      });
    }
  } else if (outcome.kind === 'failed' || outcome.kind === 'not_sent') {
    updated = await guardedTransition(deps.db, customsDeclarations, {
      id: declaration.id,
      from,
      to: 'REJECTED',
      set: { resultCode: outcome.resultCode, resultMessage: outcome.reason, finalAt: now, updatedAt: now },
    });
    if (updated) {
      await recordCustomsEvent(deps.db, declaration.paymentId, 'customs_declaration_rejected', cause, {
        declarationRequestId: declaration.declarationRequestId,
        resultCode: outcome.resultCode,
        reason: outcome.reason,
      });
    }
  } else {
    updated = await guardedTransition(deps.db, customsDeclarations, {
      id: declaration.id,
      from,
      to: 'UNKNOWN',
      set: { resultCode: outcome.resultCode, resultMessage: outcome.reason, updatedAt: now },
    });
    if (updated && declaration.status !== 'UNKNOWN') {
      await recordCustomsEvent(deps.db, declaration.paymentId, 'customs_declaration_unknown', cause, {
        declarationRequestId: declaration.declarationRequestId,
        resultCode: outcome.resultCode,
      });
    }
  }
  return updated ?? declaration;
}
