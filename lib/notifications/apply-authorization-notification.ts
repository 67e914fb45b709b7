import { eq } from 'drizzle-orm';
import type { AlipayAuthCodeCreatedNotification, AlipayTokenCanceledNotification, AlipayTokenCreatedNotification } from '@/lib/alipay';
import { applyTokenCanceled } from '@/lib/agreements/apply-token-canceled';
import { findAgreementByAccessToken } from '@/lib/agreements/find-agreement-by-access-token';
import { recordAuthCodePairing } from '@/lib/agreements/record-auth-code-pairing';
import { recordAudit } from '@/lib/audit/record-audit';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { agreements } from '@/lib/db/schema';
import { APPLY_AUTH_CODE_JOB, type NotificationEffect } from './notification-effect';

type AuthorizationNotification = AlipayAuthCodeCreatedNotification | AlipayTokenCreatedNotification | AlipayTokenCanceledNotification;

/**
 * notifyAuthorization (inside the inbox transaction).
 * AUTHCODE_CREATED: applyToken is an Antom call, so it never runs here; the inbox row is marked pending
 * and a job runs applyAuthCodeCreated after commit (the exchangeAuthCode election makes it one call even
 * when the buyer's return races it). TOKEN_CANCELED: the agreement holding that token becomes REVOKED.
 * TOKEN_CREATED: informational (our applyToken already stored the token), stored and shown.
 */
export async function applyAuthorizationNotification(tx: Db, vault: TokenVault, n: AuthorizationNotification, at: Date): Promise<NotificationEffect> {
  switch (n.type) {
    case 'AUTHCODE_CREATED': {
      const agreement = n.authState ? await findBy(tx, agreements.authStateIndex, vault.index(n.authState, 'authState')) : undefined;
      if (!agreement) return { objectType: null, objectRef: null, outcome: 'unknown_object', detail: 'No authorization attempt has this authState.' };
      // The signed pairing of code and state, recorded now: the buyer's return only exchanges this code.
      if (n.authCode) await recordAuthCodePairing(tx, vault, { authState: n.authState!, authCode: n.authCode });
      return { objectType: 'agreement', objectRef: agreement.id, outcome: 'queued', detail: `Agreement is ${agreement.status}; applyToken queued.`, followUp: { job: APPLY_AUTH_CODE_JOB } };
    }
    case 'TOKEN_CANCELED': {
      const result = await applyTokenCanceled({ db: tx, vault, now: () => at }, { accessToken: n.accessToken, reason: n.reason });
      if (!result.agreementId) return { objectType: null, objectRef: null, outcome: 'unknown_object', detail: 'No agreement holds this access token.' };
      if (result.applied) {
        await recordAudit(tx, null, { action: 'agreement.revoked_by_wallet', objectType: 'agreement', objectId: result.agreementId, at, before: { status: 'ACTIVE' }, after: { status: 'REVOKED', reason: n.reason ?? null } });
      }
      const now = await findBy(tx, agreements.id, result.agreementId);
      return { objectType: 'agreement', objectRef: result.agreementId, outcome: result.applied ? 'applied' : 'duplicate', detail: `Agreement is ${now?.status ?? 'gone'}.` };
    }
    case 'TOKEN_CREATED': {
      const agreement = await findAgreementByAccessToken(tx, vault, n.accessToken);
      return { objectType: agreement ? 'agreement' : null, objectRef: agreement?.id ?? null, outcome: 'stored', detail: 'Informational: the token was stored by our applyToken.' };
    }
  }
}

async function findBy(tx: Db, column: typeof agreements.id | typeof agreements.authStateIndex, value: string) {
  const [row] = await tx.select({ id: agreements.id, status: agreements.status }).from(agreements).where(eq(column, value)).limit(1);
  return row;
}
