/**
 * Authorization endpoints and the wallet-side actions that drive the same state machine
 * (ams-api.md §2–§5, §16.2):
 *
 *   CONSULTED ──agree──► AUTHCODE_ISSUED ──applyToken──► TOKEN_ACTIVE ──revoke / wallet revoke──► TOKEN_REVOKED
 *       └──decline──► DECLINED                               └──refresh token expiry──► TOKEN_EXPIRED
 *
 * Invariants: an auth code is single-use and lives AUTH_CODE_TTL_MS; a refresh rotates the refresh token
 * (the previous one is dead at once); revocation kills every token of the authorization; nothing leaves
 * a terminal state.
 */
import { randomUUID } from 'node:crypto';
import type { AmsAnswer, AmsCall, SimContext } from './context';
import { getTestAccount, pickScenario, TEST_ACCOUNTS } from './scenarios';
import type { AuthorizationRecord } from './store';
import {
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalUrl,
  ParamIllegal,
  requiredString,
  requiredUrl,
  stringArray,
} from './validate';
import { getWallet } from './wallets';
import { isoTime, opaqueToken, result } from './wire';

/** Auth codes: single use, short-lived (exact Antom lifetime UNVERIFIED; 5 minutes chosen). */
export const AUTH_CODE_TTL_MS = 5 * 60_000;
/** A consult's wallet page stays usable this long (UNVERIFIED; 30 minutes chosen). */
export const CONSULT_TTL_MS = 30 * 60_000;

const SCOPES = ['BASE_USER_INFO', 'USER_INFO', 'AGREEMENT_PAY', 'USER_LOGIN_ID', 'HASH_LOGIN_ID', 'SEND_OTP', 'TAOBAO_REBIND'] as const;
const TERMINAL_TYPES = ['WEB', 'WAP', 'APP', 'MINI_APP'] as const;
const OS_TYPES = ['IOS', 'ANDROID'] as const;

function walletOrThrow(code: string, field: string) {
  const wallet = getWallet(code);
  if (!wallet) throw new ParamIllegal(field, `"${code}" is not a supported payment method`);
  return wallet;
}

/** POST /v1/authorizations/consult — creates a CONSULTED authorization and returns the wallet URLs. */
export function consult(ctx: SimContext, call: AmsCall): AmsAnswer {
  const b = call.body;
  const wallet = walletOrThrow(requiredString(b, 'customerBelongsTo', '', { max: 64 }), 'customerBelongsTo');
  const authRedirectUrl = requiredUrl(b, 'authRedirectUrl', 1024);
  const scopes = stringArray(b, 'scopes', { min: 1, max: 4, oneOf: SCOPES });
  const authState = requiredString(b, 'authState', '', { max: 256 });
  const env = optionalObject(b, 'env');
  // terminalType moved into env on newer pages; accept either, require one.
  const terminalType =
    optionalString(b, 'terminalType', '', { oneOf: TERMINAL_TYPES }) ??
    (env ? optionalString(env, 'terminalType', 'env', { oneOf: TERMINAL_TYPES }) : undefined);
  if (!terminalType) throw new ParamIllegal('terminalType', 'is required (or env.terminalType)');
  const osType =
    optionalString(b, 'osType', '', { oneOf: OS_TYPES }) ?? (env ? optionalString(env, 'osType', 'env', { oneOf: OS_TYPES }) : undefined);
  if ((terminalType === 'WAP' || terminalType === 'APP') && !osType) {
    throw new ParamIllegal('osType', `is required when terminalType is ${terminalType}`);
  }
  optionalString(b, 'osVersion', '', { max: 16 });
  optionalString(b, 'merchantRegion', '', { pattern: /^[A-Z]{2}$/ });
  const authClientId = optionalString(b, 'authClientId', '', { max: 64 });
  const recurring = optionalBoolean(b, 'recurringPayment');
  if (wallet.requiresRecurringPayment && recurring === undefined) {
    throw new ParamIllegal('recurringPayment', `is required when customerBelongsTo is ${wallet.code}`);
  }
  const authNotifyUrl = optionalUrl(b, 'authNotifyUrl', 1024);
  optionalString(b, 'merchantAccountId', '', { max: 64 });
  if (!wallet.terminalTypes.includes(terminalType)) {
    throw new ParamIllegal('terminalType', `${terminalType} is not supported by ${wallet.code}`);
  }

  const now = ctx.clock.now();
  const auth: AuthorizationRecord = {
    id: randomUUID(),
    clientId: call.client.clientId,
    wallet: wallet.code,
    status: 'CONSULTED',
    authState,
    authRedirectUrl,
    scopes,
    terminalType,
    ...(osType ? { osType } : {}),
    ...(authClientId ? { authClientId } : {}),
    ...(authNotifyUrl ? { notifyUrl: authNotifyUrl } : {}),
    sandbox: call.sandbox,
    consultedAt: now,
    consultExpiresAt: now + CONSULT_TTL_MS,
    previousAccessTokens: [],
  };
  ctx.store.putAuthorization(auth);

  const pageUrl = `${ctx.publicBaseUrl()}/wallet/authorize/${auth.id}`;
  const urls: Record<string, string> =
    terminalType === 'APP'
      ? {
          applinkUrl: `${pageUrl}?via=applink`,
          schemeUrl: `${wallet.code.toLowerCase().replaceAll('_', '')}sim://authorize?consultId=${auth.id}`,
          appIdentifier: `com.daikou.simulator.${wallet.code.toLowerCase()}`,
        }
      : { authUrl: pageUrl, normalUrl: pageUrl };
  return { body: { result: result('SUCCESS'), ...urls } };
}

/** The outcome of the wallet page's Agree/Decline: where to send the browser. */
export interface WalletDecision {
  redirectUrl: string;
  authCode?: string;
  authState: string;
}

/** Appends query parameters to a URL that may already have a query (and keeps any fragment). */
function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
  return u.toString();
}

/** Why a consult can no longer be acted on, or undefined when it can. */
export function consultProblem(ctx: SimContext, auth: AuthorizationRecord | undefined): string | undefined {
  if (!auth) return 'This authorization request does not exist.';
  if (auth.status !== 'CONSULTED') return 'This authorization request was already answered.';
  if (ctx.clock.now() > auth.consultExpiresAt) return 'This authorization request has expired; start again from the merchant.';
  return undefined;
}

/**
 * The user agrees on the wallet page (or the control API approves): issues a single-use auth code,
 * posts AUTHCODE_CREATED and returns the redirect to authRedirectUrl with authCode and authState.
 */
export function agree(ctx: SimContext, authId: string, accountId: string | undefined): WalletDecision {
  const auth = ctx.store.state.authorizations[authId];
  const problem = consultProblem(ctx, auth);
  if (problem || !auth) throw new Error(problem);
  const account = getTestAccount(accountId);
  const now = ctx.clock.now();
  auth.status = 'AUTHCODE_ISSUED';
  auth.account = account.id;
  auth.authCode = opaqueToken('sim_ac_', 18);
  auth.authCodeExpiresAt = now + AUTH_CODE_TTL_MS;
  auth.userLoginId = `${account.id.slice(0, 2)}***@${auth.wallet.toLowerCase()}.sim`;
  ctx.store.putAuthorization(auth);
  const client = ctx.store.state.clients[auth.clientId];
  ctx.notifier.enqueue({
    clientId: auth.clientId,
    type: 'AUTHCODE_CREATED',
    url: auth.notifyUrl ?? client?.notifyUrls.authorization,
    relatedId: auth.id,
    ...(account.delaysAuthNotification ? { mode: 'delayed' as const } : {}),
    body: {
      authorizationNotifyType: 'AUTHCODE_CREATED',
      authCode: auth.authCode,
      authState: auth.authState,
      ...(auth.authClientId ? { authClientId: auth.authClientId } : {}),
      userLoginId: auth.userLoginId,
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
    },
  });
  return {
    redirectUrl: withParams(auth.authRedirectUrl, { authCode: auth.authCode, authState: auth.authState }),
    authCode: auth.authCode,
    authState: auth.authState,
  };
}

/**
 * The user declines: no code. The browser goes back to authRedirectUrl carrying only authState so the
 * merchant can tell which attempt ended (UNVERIFIED what real wallets append; see README).
 */
export function decline(ctx: SimContext, authId: string): WalletDecision {
  const auth = ctx.store.state.authorizations[authId];
  const problem = consultProblem(ctx, auth);
  if (problem || !auth) throw new Error(problem);
  auth.status = 'DECLINED';
  ctx.store.putAuthorization(auth);
  return { redirectUrl: withParams(auth.authRedirectUrl, { authState: auth.authState }), authState: auth.authState };
}

type TokenState = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

/** Where an access token stands now; also moves the authorization to TOKEN_EXPIRED when nothing can renew it. */
export function accessTokenState(ctx: SimContext, auth: AuthorizationRecord, token: string): TokenState {
  if (auth.status === 'TOKEN_REVOKED') return 'REVOKED';
  const now = ctx.clock.now();
  const expiresAt =
    auth.accessToken === token ? auth.accessTokenExpiresAt : auth.previousAccessTokens.find((t) => t.token === token)?.expiresAt;
  if (auth.status === 'TOKEN_ACTIVE' && (auth.refreshTokenExpiresAt ?? 0) < now && (auth.accessTokenExpiresAt ?? 0) < now) {
    auth.status = 'TOKEN_EXPIRED';
    ctx.store.putAuthorization(auth);
  }
  if (auth.status !== 'TOKEN_ACTIVE' && auth.status !== 'TOKEN_EXPIRED') return 'REVOKED';
  return expiresAt !== undefined && expiresAt >= now ? 'ACTIVE' : 'EXPIRED';
}

function issueTokens(ctx: SimContext, auth: AuthorizationRecord): Record<string, unknown> {
  const now = ctx.clock.now();
  const account = getTestAccount(auth.account);
  if (auth.accessToken && auth.accessTokenExpiresAt !== undefined) {
    auth.previousAccessTokens.push({ token: auth.accessToken, expiresAt: auth.accessTokenExpiresAt });
  }
  auth.accessToken = opaqueToken('sim_at_', 30);
  auth.accessTokenExpiresAt = now + account.accessTokenTtlMs;
  auth.refreshToken = opaqueToken('sim_rt_', 30);
  auth.refreshTokenExpiresAt = now + account.refreshTokenTtlMs;
  auth.tokenIssuedAt = now;
  auth.status = 'TOKEN_ACTIVE';
  ctx.store.putAuthorization(auth);
  const wallet = getWallet(auth.wallet);
  return {
    result: result('SUCCESS'),
    accessToken: auth.accessToken,
    accessTokenExpiryTime: isoTime(auth.accessTokenExpiresAt),
    refreshToken: auth.refreshToken,
    refreshTokenExpiryTime: isoTime(auth.refreshTokenExpiresAt),
    ...(auth.scopes.includes('AGREEMENT_PAY') && auth.userLoginId ? { userLoginId: auth.userLoginId } : {}),
    pspCustomerInfo: {
      pspName: auth.wallet,
      pspCustomerId: `sim-${auth.wallet.toLowerCase()}-${auth.account ?? 'normal'}`,
      displayCustomerId: auth.userLoginId ?? '',
      ...(wallet ? { displayCustomerName: `${wallet.nameEn} test user` } : {}),
    },
  };
}

/** POST /v1/authorizations/applyToken — AUTHORIZATION_CODE (single use) or REFRESH_TOKEN (rotates). */
export function applyToken(ctx: SimContext, call: AmsCall): AmsAnswer {
  const b = call.body;
  const grantType = requiredString(b, 'grantType', '', { oneOf: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] });
  const wallet = walletOrThrow(requiredString(b, 'customerBelongsTo', '', { max: 64 }), 'customerBelongsTo');
  optionalString(b, 'merchantRegion', '', { pattern: /^[A-Z]{2}$/ });
  optionalString(b, 'merchantAccountId', '', { max: 64 });
  const now = ctx.clock.now();

  if (grantType === 'AUTHORIZATION_CODE') {
    const code = optionalString(b, 'authCode', '', { max: 128 });
    if (!code) throw new ParamIllegal('authCode', 'is required when grantType is AUTHORIZATION_CODE');
    const auth = ctx.store.authorizationByCode(code);
    if (!auth || auth.clientId !== call.client.clientId || auth.authCode !== code) return { body: { result: result('INVALID_CODE') } };
    if (auth.wallet !== wallet.code) {
      return { body: { result: result('INVALID_CODE', `The authorization code was issued by ${auth.wallet}, not ${wallet.code}.`) } };
    }
    if (auth.authCodeUsedAt !== undefined) return { body: { result: result('USED_CODE') } };
    if ((auth.authCodeExpiresAt ?? 0) < now) return { body: { result: result('EXPIRED_CODE') } };
    auth.authCodeUsedAt = now;
    return { body: issueTokens(ctx, auth) };
  }

  const refreshToken = optionalString(b, 'refreshToken', '', { max: 128 });
  if (!refreshToken) throw new ParamIllegal('refreshToken', 'is required when grantType is REFRESH_TOKEN');
  const auth = ctx.store.authorizationByRefreshToken(refreshToken);
  // A rotated-out refresh token is as dead as an unknown one.
  if (!auth || auth.clientId !== call.client.clientId || auth.refreshToken !== refreshToken || auth.wallet !== wallet.code) {
    return { body: { result: result('INVALID_REFRESH_TOKEN') } };
  }
  if (auth.status === 'TOKEN_REVOKED') return { body: { result: result('INVALID_REFRESH_TOKEN', 'The authorization was revoked.') } };
  if ((auth.refreshTokenExpiresAt ?? 0) < now) {
    auth.status = 'TOKEN_EXPIRED';
    ctx.store.putAuthorization(auth);
    return { body: { result: result('EXPIRED_REFRESH_TOKEN') } };
  }
  // refresh-answer-lost: the rotation happens, the answer does not arrive in time.
  const lost =
    pickScenario('applyToken', call.scenarioHeader)?.scenario.name === 'refresh-answer-lost' ||
    (getTestAccount(auth.account).losesFirstRefreshAnswer === true && ctx.store.firstTime(`refresh-answer-lost:${auth.id}`, now));
  return lost ? { body: issueTokens(ctx, auth), holdMs: ctx.hangMs } : { body: issueTokens(ctx, auth) };
}

function revokeAuthorization(ctx: SimContext, auth: AuthorizationRecord, by: 'MERCHANT' | 'WALLET', reason: string): void {
  auth.status = 'TOKEN_REVOKED';
  auth.revokedAt = ctx.clock.now();
  auth.revokedBy = by;
  auth.revokeReason = reason;
  ctx.store.putAuthorization(auth);
  const wallet = getWallet(auth.wallet);
  // Wallet-side revocations are only notified by wallets that do so (ams-api.md §3.1); merchant-side
  // revocations always produce TOKEN_CANCELED.
  if (by === 'WALLET' && !wallet?.notifiesRevocation) return;
  const client = ctx.store.state.clients[auth.clientId];
  ctx.notifier.enqueue({
    clientId: auth.clientId,
    type: 'TOKEN_CANCELED',
    url: auth.notifyUrl ?? client?.notifyUrls.authorization,
    relatedId: auth.id,
    body: {
      authorizationNotifyType: 'TOKEN_CANCELED',
      accessToken: auth.accessToken,
      ...(auth.authClientId ? { authClientId: auth.authClientId } : {}),
      reason,
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
    },
  });
}

/** POST /v1/authorizations/revoke — kills the authorization; unknown/expired/revoked → INVALID_ACCESS_TOKEN. */
export function revoke(ctx: SimContext, call: AmsCall): AmsAnswer {
  const token = requiredString(call.body, 'accessToken', '', { max: 128 });
  optionalString(call.body, 'merchantAccountId', '', { max: 64 });
  const auth = ctx.store.authorizationByAccessToken(token);
  if (!auth || auth.clientId !== call.client.clientId || accessTokenState(ctx, auth, token) !== 'ACTIVE') {
    return { body: { result: result('INVALID_ACCESS_TOKEN') } };
  }
  revokeAuthorization(ctx, auth, 'MERCHANT', 'Revoked by the merchant');
  return { body: { result: result('SUCCESS') } };
}

/** Wallet-app "Revoke" button and control API: the user cancels inside the wallet. */
export function revokeFromWallet(ctx: SimContext, authId: string, reason = 'The user cancelled the authorization in the wallet app'): boolean {
  const auth = ctx.store.state.authorizations[authId];
  if (!auth || (auth.status !== 'TOKEN_ACTIVE' && auth.status !== 'TOKEN_EXPIRED')) return false;
  revokeAuthorization(ctx, auth, 'WALLET', reason);
  return true;
}

/**
 * POST /v1/authorizations/query (SDK-only endpoint, ams-api.md §0). tokenStatusType values ENABLED /
 * INVALID are UNVERIFIED.
 */
export function queryToken(ctx: SimContext, call: AmsCall): AmsAnswer {
  const token = requiredString(call.body, 'accessToken', '', { max: 128 });
  const auth = ctx.store.authorizationByAccessToken(token);
  if (!auth || auth.clientId !== call.client.clientId) return { body: { result: result('INVALID_ACCESS_TOKEN') } };
  const state = accessTokenState(ctx, auth, token);
  const expiresAt = auth.accessToken === token ? auth.accessTokenExpiresAt : auth.previousAccessTokens.find((t) => t.token === token)?.expiresAt;
  return {
    body: {
      result: result('SUCCESS'),
      accessToken: token,
      ...(expiresAt !== undefined ? { accessTokenExpiryTime: isoTime(expiresAt) } : {}),
      ...(auth.refreshToken && auth.refreshTokenExpiresAt !== undefined
        ? { refreshToken: auth.refreshToken, refreshTokenExpiryTime: isoTime(auth.refreshTokenExpiresAt) }
        : {}),
      tokenStatusType: state === 'ACTIVE' ? 'ENABLED' : 'INVALID',
    },
  };
}

export const ACCOUNT_IDS = TEST_ACCOUNTS.map((a) => a.id);
