import { eq } from 'drizzle-orm';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { isUuid } from '@/lib/db/is-uuid';
import { agreements, authorizationLinks, type AgreementStatus } from '@/lib/db/schema';

export interface BuyerAgreementView {
  id: string;
  status: AgreementStatus;
  paymentMethod: string;
  userLoginIdMasked: string | null;
  linkToken: string | null;
}

/**
 * An agreement as its buyer may see it on the result page — only from the browser that started it
 * (the buyer cookie's HMAC must match), so an agreement id alone reveals nothing.
 */
export async function getBuyerAgreement(db: Db, vault: TokenVault, agreementId: string, buyerBinding: string | null): Promise<BuyerAgreementView | null> {
  if (!buyerBinding || !isUuid(agreementId)) return null;
  const [row] = await db
    .select({
      id: agreements.id,
      status: agreements.status,
      paymentMethod: agreements.paymentMethod,
      userLoginIdMasked: agreements.userLoginIdMasked,
      buyerBindingIndex: agreements.buyerBindingIndex,
      linkToken: authorizationLinks.token,
    })
    .from(agreements)
    .leftJoin(authorizationLinks, eq(authorizationLinks.id, agreements.linkId))
    .where(eq(agreements.id, agreementId));
  if (!row || row.buyerBindingIndex !== vault.index(buyerBinding, 'buyer')) return null;
  const { buyerBindingIndex: _ignored, ...view } = row;
  return view;
}
