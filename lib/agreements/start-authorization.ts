import { randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { classifyCall, getPaymentMethod, isPaymentMethodCode, type EndpointResponse } from '@/lib/alipay';
import { agreements } from '@/lib/db/schema';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { nowOf, recordAgreementEvent, AUTH_STATE_TTL_MS, type AgreementDeps } from './agreement-deps';
import type { BuyerTerminal } from './detect-terminal';
import { resolveAuthorizationLink, type LinkProblem } from '@/lib/customers/resolve-authorization-link';

type ConsultResponse = EndpointResponse<'consult'>;

/**
 * Caps on new attempts (each one is a row and a consult at Antom), counted over START_WINDOW_MS from the
 * agreements table itself so every web process shares them. A buyer who changes wallet or goes back a
 * few times stays far below the per-link cap; a script hammering one link does not.
 *
 * The per-address cap must fit carrier-grade NAT: Globe, Smart, Telkomsel, AIS and True put thousands of
 * subscribers behind one public IPv4 address (RFC 6888 port blocks of 512–2,048 ports give 32–128 per address
 * with static blocks, far more with dynamic allocation). A campaign that sends 500 of them to authorize in
 * the same ten minutes, each retrying once, is 1,000 attempts from one address: that is the cap. It still
 * bounds what one address can make us store and send to Antom (1,000 rows per 10 minutes); the per-address
 * token bucket in front of every anonymous POST (scripts/serve-next.ts) bounds the rate.
 */
export const START_WINDOW_MS = 10 * 60 * 1000;
export const START_LIMIT_PER_LINK = 10;
export const START_LIMIT_PER_IP = 1000;

export interface StartAuthorizationInput {
  linkToken: string;
  paymentMethod: string;
  /** Raw value of the buyer-browser cookie; only its HMAC is stored. */
  buyerBinding: string;
  terminal: BuyerTerminal;
  userAgent?: string | null;
  clientIp?: string | null;
}

/** Why an authorization attempt could not start: the link's problem, limits, the wallet, or consult's answer. */
export type StartAuthorizationCode = `link_${LinkProblem}` | 'too_many_attempts' | 'method_not_offered' | 'terminal_unsupported' | 'consult_failed' | 'consult_unavailable';

export const isLinkProblemCode = (code: StartAuthorizationCode): code is `link_${LinkProblem}` => code.startsWith('link_');

/**
 * Starts one authorization attempt: checks the link and the wallet, creates the agreement row (PENDING,
 * with a fresh 256-bit authState bound to the link and the buyer's browser, usable once, for 10 minutes),
 * calls consult, and returns the wallet URL for this terminal. Consult is safe to repeat, so any failure
 * simply ends this attempt; the buyer can start another.
 */
export async function startAuthorization(
  deps: AgreementDeps,
  input: StartAuthorizationInput,
): Promise<ServiceResult<{ agreementId: string; redirectUrl: string }, StartAuthorizationCode>> {
  const now = nowOf(deps);
  const resolved = await resolveAuthorizationLink(deps.db, input.linkToken, now);
  if (!resolved.ok) return fail(`link_${resolved.problem}` as const, 'This authorization link can no longer be used.');
  const settings = await getMerchantSettings(deps.db);
  if (!isPaymentMethodCode(input.paymentMethod) || !settings.contractedMethods.includes(input.paymentMethod)) {
    return fail('method_not_offered', 'This wallet is not offered by the merchant.');
  }
  if (await tooManyAttempts(deps, resolved.link.id, input.clientIp ?? null, now)) {
    return fail('too_many_attempts', 'Too many attempts from here. Please wait a few minutes and try again.');
  }
  const method = getPaymentMethod(input.paymentMethod);
  if (!method) return fail('method_not_offered', 'This wallet is not offered by the merchant.');
  // A link with a plan charges one currency: only its wallets may start (the picker offers no other).
  if (resolved.link.plan && resolved.link.plan.currency !== method.currency) return fail('method_not_offered', `This plan is charged in ${resolved.link.plan.currency}; ${method.nameEn} does not pay in it.`);
  if (!method.terminalTypes.includes(input.terminal.terminalType)) {
    return fail('terminal_unsupported', `${method.nameEn} cannot be authorized from this device.`);
  }

  const authState = randomBytes(32).toString('base64url');
  const [agreement] = await deps.db
    .insert(agreements)
    .values({
      customerId: resolved.customer.id,
      linkId: resolved.link.id,
      paymentMethod: method.code,
      status: 'PENDING',
      terminalType: input.terminal.terminalType,
      osType: input.terminal.osType ?? null,
      authStateIndex: deps.vault.index(authState, 'authState'),
      authStateExpiresAt: new Date(now.getTime() + (deps.authStateTtlMs ?? AUTH_STATE_TTL_MS)),
      buyerBindingIndex: deps.vault.index(input.buyerBinding, 'buyer'),
      startIp: input.clientIp ?? null,
      createdAt: now,
    })
    .returning({ id: agreements.id });
  const agreementId = agreement!.id;

  const call = await classifyCall(
    deps.alipay.consult(
      {
        customerBelongsTo: method.code,
        authRedirectUrl: deps.returnUrl,
        scopes: ['AGREEMENT_PAY'],
        authState,
        terminalType: input.terminal.terminalType,
        ...(input.terminal.osType ? { osType: input.terminal.osType } : {}),
        ...(method.requiresRecurringPayment ? { recurringPayment: true } : {}),
        env: {
          terminalType: input.terminal.terminalType,
          ...(input.terminal.osType ? { osType: input.terminal.osType } : {}),
          ...(input.userAgent ? { userAgent: input.userAgent.slice(0, 512) } : {}),
          ...(input.clientIp ? { clientIp: input.clientIp } : {}),
        },
      },
      { subject: `agreement:${agreementId}` },
    ),
  );
  const resultCode = call.resultCode;
  // Consult creates nothing at Antom that outlives this attempt, so an unknown outcome simply ends it.
  const meaning =
    call.kind === 'succeeded' ? 'Antom returned no wallet address.' : call.kind === 'failed' ? call.reason : 'The wallet could not be reached. Try again in a moment.';
  const redirectUrl = call.kind === 'succeeded' ? pickWalletUrl(call.data, input.terminal.terminalType) : null;
  await recordAgreementEvent(deps.db, agreementId, 'consult', { outcome: call.kind, resultCode, terminalType: input.terminal.terminalType, osType: input.terminal.osType ?? null });
  if (!redirectUrl) {
    await deps.db
      .update(agreements)
      .set({ status: 'FAILED', failureCode: call.kind === 'succeeded' ? 'NO_WALLET_URL' : resultCode, failureMessage: meaning, updatedAt: now })
      .where(eq(agreements.id, agreementId));
    return fail(call.kind === 'failed' ? 'consult_failed' : 'consult_unavailable', meaning);
  }
  return ok({ agreementId, redirectUrl });
}

async function tooManyAttempts(deps: AgreementDeps, linkId: string, clientIp: string | null, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - START_WINDOW_MS);
  const count = async (where: ReturnType<typeof and>) => (await deps.db.select({ n: sql<number>`count(*)::int` }).from(agreements).where(where))[0]?.n ?? 0;
  if ((await count(and(eq(agreements.linkId, linkId), gt(agreements.createdAt, since)))) >= START_LIMIT_PER_LINK) return true;
  return clientIp !== null && (await count(and(eq(agreements.startIp, clientIp), gt(agreements.createdAt, since)))) >= START_LIMIT_PER_IP;
}

/** ams-api.md §2.2: APP → applinkUrl, then schemeUrl, then normalUrl; WEB/WAP → normalUrl, then authUrl. */
export function pickWalletUrl(response: ConsultResponse, terminalType: BuyerTerminal['terminalType']): string | null {
  const candidates =
    terminalType === 'APP'
      ? [response.applinkUrl, response.schemeUrl, response.normalUrl, response.authUrl]
      : [response.normalUrl, response.authUrl];
  return candidates.find((u): u is string => typeof u === 'string' && u.length > 0) ?? null;
}
