import { asc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreementEvents, agreements, customers, type AgreementStatus } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/is-uuid';

export interface AgreementDetail {
  agreement: {
    id: string;
    status: AgreementStatus;
    paymentMethod: string;
    terminalType: string;
    osType: string | null;
    userLoginIdMasked: string | null;
    failureCode: string | null;
    failureMessage: string | null;
    accessTokenExpiresAt: Date | null;
    refreshTokenExpiresAt: Date | null;
    /** When the refresher renews the token next, and why it needs a person (null when all is well). */
    tokenRefreshDueAt: Date | null;
    tokenRefreshProblem: string | null;
    activatedAt: Date | null;
    revokedAt: Date | null;
    revokedBy: string | null;
    createdAt: Date;
    updatedAt: Date;
  };
  customer: { id: string; reference: string; name: string; country: string | null };
  /** Oldest first. */
  events: { id: string; type: string; detail: Record<string, unknown> | null; createdAt: Date }[];
}

/**
 * One agreement with its customer and its timeline (agreement_events ordered by time), or null.
 * Selects display columns only: token ciphertexts, key versions and blind indexes never leave the database.
 */
export async function getAgreementDetail(db: Db, id: string): Promise<AgreementDetail | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({
      agreement: {
        id: agreements.id,
        status: agreements.status,
        paymentMethod: agreements.paymentMethod,
        terminalType: agreements.terminalType,
        osType: agreements.osType,
        userLoginIdMasked: agreements.userLoginIdMasked,
        failureCode: agreements.failureCode,
        failureMessage: agreements.failureMessage,
        accessTokenExpiresAt: agreements.accessTokenExpiresAt,
        refreshTokenExpiresAt: agreements.refreshTokenExpiresAt,
        tokenRefreshDueAt: agreements.tokenRefreshDueAt,
        tokenRefreshProblem: agreements.tokenRefreshProblem,
        activatedAt: agreements.activatedAt,
        revokedAt: agreements.revokedAt,
        revokedBy: agreements.revokedBy,
        createdAt: agreements.createdAt,
        updatedAt: agreements.updatedAt,
      },
      customer: { id: customers.id, reference: customers.reference, name: customers.name, country: customers.country },
    })
    .from(agreements)
    .innerJoin(customers, eq(customers.id, agreements.customerId))
    .where(eq(agreements.id, id))
    .limit(1);
  if (!row) return null;
  const events = await db
    .select({ id: agreementEvents.id, type: agreementEvents.type, detail: agreementEvents.detail, createdAt: agreementEvents.createdAt })
    .from(agreementEvents)
    .where(eq(agreementEvents.agreementId, id))
    .orderBy(asc(agreementEvents.createdAt), asc(agreementEvents.id));
  return { ...row, events };
}
