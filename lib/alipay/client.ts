/**
 * `createAlipayClient(config)` — the AMS Auto Debit client. Configuration is injected; nothing here
 * reads the environment, so the module runs in the app, the simulator, a worker or a plain script.
 */
import type { KeyObject } from 'node:crypto';
import { AlipayConfigError, AlipayKeyError } from './errors';
import { ENDPOINTS, resolveEndpointPath, type EndpointDefinition, type EndpointName, type EndpointRequest, type EndpointResponse } from './endpoints';
import { assertKeyPair, isKeyPair, keyFingerprint, loadPrivateKey, loadPublicKey } from './keys';
import { verifyNotification, type VerifiedNotification, type NotificationHeaders } from './notifications';
import { transportRetries, type RetryOperation } from './retry-policy';
import { sendRequest, serializeRequest, worstCaseCallMs, type AlipayCallObserver, type AlipayCallResult, type CallOptions, type SerializedRequest, type TransportOptions } from './transport';

export interface AlipayClientConfig {
  /** e.g. `https://open-sea-global.alipay.com` or the local simulator's URL. */
  readonly gatewayUrl: string;
  /** Client ID from Antom Dashboard; `SANDBOX_…` switches paths to `/ams/sandbox/api`. */
  readonly clientId: string;
  /** Merchant private key: PEM or bare base64, PKCS#8 or PKCS#1, or a KeyObject. */
  readonly merchantPrivateKey: string | KeyObject;
  /** Antom's public key (SPKI, PEM or bare base64) for verifying answers and notifications. */
  readonly alipayPublicKey: string | KeyObject;
  /** Optional: the merchant public key uploaded to Antom; checked against the private key at start-up. */
  readonly merchantPublicKey?: string | KeyObject;
  /** keyVersion of the merchant key (default "1", as all SDKs). */
  readonly keyVersion?: string | number;
  /** Per attempt, covering headers and body (default 15 000 ms, the SDKs' read timeout). */
  readonly timeoutMs?: number;
  /**
   * Upper bound on transport retries (network errors and 5xx only) for every operation; how often each
   * operation may be resent is the retry table's (retry-policy.ts). Default: the table as is; 0 turns
   * transport retries off (tests, simulators).
   */
  readonly maxRetries?: number;
  /** First back-off delay; doubles per retry (default 250 ms). */
  readonly retryBaseDelayMs?: number;
  readonly fetch?: typeof fetch;
  /** Clock in epoch milliseconds (or Date); Request-Time is taken from it. */
  readonly now?: () => number | Date;
  /** Receives every attempt, redacted (tokens, auth codes, signatures never in clear). */
  readonly observer?: AlipayCallObserver;
  /**
   * Allow `alipayPublicKey` to be the merchant key's own public half. Only for tests and simulators
   * that use one pair for both sides; in production that is always a configuration mistake.
   */
  readonly allowSharedKeyPair?: boolean;
  readonly userAgent?: string;
}

type Call<N extends EndpointName> = (input: EndpointRequest<N>, options?: CallOptions) => Promise<AlipayCallResult<EndpointResponse<N>>>;

export interface AlipayClient {
  readonly clientId: string;
  readonly isSandbox: boolean;
  readonly merchantKeyFingerprint: string;
  readonly alipayKeyFingerprint: string;
  /** Authorization consult: URLs of the wallet's agreement page. Safe to repeat. */
  readonly consult: Call<'consult'>;
  /** Exchanges an authCode (AUTHORIZATION_CODE) or renews a token (REFRESH_TOKEN). */
  readonly applyToken: Call<'applyToken'>;
  /** Revokes an access token. Idempotent per token. */
  readonly revoke: Call<'revoke'>;
  /** `authorizations/query` (present in the SDKs, no public doc page — UNVERIFIED). */
  readonly queryToken: Call<'queryToken'>;
  /** Agreement payment. `productCode` defaults to AGREEMENT_PAYMENT; idempotent per paymentRequestId; may end U. */
  readonly pay: (
    input: Omit<EndpointRequest<'pay'>, 'productCode'> & { productCode?: 'AGREEMENT_PAYMENT' },
    options?: CallOptions,
  ) => Promise<AlipayCallResult<EndpointResponse<'pay'>>>;
  readonly inquiryPayment: Call<'inquiryPayment'>;
  /** Cancels a payment (full only); repeat on U with the same ids. */
  readonly cancel: Call<'cancel'>;
  /** Refund; idempotent per refundRequestId. */
  readonly refund: Call<'refund'>;
  readonly inquiryRefund: Call<'inquiryRefund'>;
  /** Customs declaration (AlipayCN, CNY); idempotent per declarationRequestId. */
  readonly declare: Call<'declare'>;
  readonly inquiryDeclarationRequests: Call<'inquiryDeclarationRequests'>;
  /** Generic form of the calls above. */
  readonly request: <N extends EndpointName>(name: N, input: EndpointRequest<N>, options?: CallOptions) => Promise<AlipayCallResult<EndpointResponse<N>>>;
  /** The signed path for an endpoint with this client id (sandbox rewrite applied). */
  readonly pathFor: (name: EndpointName) => string;
  /**
   * The exact body a request will carry and its SHA-256, without sending it. Store the hash with the
   * request id, and pass it as `expectedBodySha256` on every resend.
   */
  readonly serialize: <N extends EndpointName>(name: N, input: EndpointRequest<N>) => SerializedRequest;
  /** Worst-case wall time of one call of this operation (its retries from the retry table), for claim lifetimes. */
  readonly worstCaseCallMs: (operation: RetryOperation) => number;
  /** Verifies a notification with the configured Alipay key and client id (see notifications.ts). */
  readonly verifyNotification: (input: { path: string; headers: NotificationHeaders; rawBody: string }) => VerifiedNotification;
}

function toKey(value: string | KeyObject, kind: 'private' | 'public', label: string): KeyObject {
  if (typeof value !== 'string') {
    if (value.type !== kind) {
      throw new AlipayKeyError(
        kind === 'private' ? 'PUBLIC_KEY_IN_PRIVATE_SLOT' : 'PRIVATE_KEY_IN_PUBLIC_SLOT',
        `${label}: expected a ${kind} KeyObject, got a ${value.type} one (fingerprint ${keyFingerprint(value)}).`,
      );
    }
    return value;
  }
  return kind === 'private' ? loadPrivateKey(value) : loadPublicKey(value);
}

/**
 * Builds a client. Keys are parsed and checked here, once: a key in the wrong slot, a mismatched
 * merchant pair or the merchant's own key configured as Antom's throw `AlipayKeyError` at start-up
 * (with fingerprints) instead of surfacing later as INVALID_SIGNATURE.
 */
export function createAlipayClient(config: AlipayClientConfig): AlipayClient {
  if (!config || typeof config.clientId !== 'string' || config.clientId.trim() === '') {
    throw new AlipayConfigError('clientId is required (the Client ID from Antom Dashboard).');
  }
  let gateway: URL;
  try {
    gateway = new URL(config.gatewayUrl);
  } catch (cause) {
    throw new AlipayConfigError(`gatewayUrl "${String(config.gatewayUrl)}" is not an absolute URL.`, { cause });
  }
  if (gateway.protocol !== 'https:' && gateway.protocol !== 'http:') {
    throw new AlipayConfigError(`gatewayUrl must be http(s), got ${gateway.protocol}`);
  }
  const timeoutMs = config.timeoutMs ?? 15_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AlipayConfigError('timeoutMs must be a positive number of milliseconds.');
  const keyVersion = String(config.keyVersion ?? '1');
  if (!/^[0-9]{1,9}$/.test(keyVersion)) throw new AlipayConfigError(`keyVersion "${keyVersion}" must be a number.`);

  const merchantPrivateKey = toKey(config.merchantPrivateKey, 'private', 'merchantPrivateKey');
  const alipayPublicKey = toKey(config.alipayPublicKey, 'public', 'alipayPublicKey');
  if (config.merchantPublicKey !== undefined) {
    assertKeyPair(merchantPrivateKey, toKey(config.merchantPublicKey, 'public', 'merchantPublicKey'));
  }
  if (!config.allowSharedKeyPair && isKeyPair(merchantPrivateKey, alipayPublicKey)) {
    throw new AlipayKeyError(
      'OWN_KEY_AS_ALIPAY_KEY',
      `alipayPublicKey (${keyFingerprint(alipayPublicKey)}) is the public half of your own merchant private key (${keyFingerprint(merchantPrivateKey)}). ` +
        "Put Antom's public key (Dashboard → Developer → Integration resources) in that slot.",
    );
  }

  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new AlipayConfigError('No fetch implementation: pass config.fetch (Node ≥ 18 has a global fetch).');
  const clock = config.now ?? Date.now;
  const transport: TransportOptions = {
    gatewayUrl: config.gatewayUrl,
    clientId: config.clientId,
    merchantPrivateKey,
    alipayPublicKey,
    keyVersion,
    timeoutMs,
    maxRetries: config.maxRetries ?? Number.POSITIVE_INFINITY,
    retryBaseDelayMs: config.retryBaseDelayMs ?? 250,
    fetch: fetchImpl,
    now: () => {
      const t = clock();
      return typeof t === 'number' ? t : t.getTime();
    },
    observer: config.observer,
    userAgent: config.userAgent ?? 'daikou-alipay/0.1 (node)',
  };

  const request = <N extends EndpointName>(name: N, input: EndpointRequest<N>, options?: CallOptions) =>
    sendRequest(transport, name, ENDPOINTS[name] as EndpointDefinition, input, options) as Promise<AlipayCallResult<EndpointResponse<N>>>;
  const bind =
    <N extends EndpointName>(name: N): Call<N> =>
    (input, options) =>
      request(name, input, options);

  return Object.freeze({
    clientId: config.clientId,
    isSandbox: config.clientId.startsWith('SANDBOX_'),
    merchantKeyFingerprint: keyFingerprint(merchantPrivateKey),
    alipayKeyFingerprint: keyFingerprint(alipayPublicKey),
    consult: bind('consult'),
    applyToken: bind('applyToken'),
    revoke: bind('revoke'),
    queryToken: bind('queryToken'),
    pay: (input, options) => request('pay', { productCode: 'AGREEMENT_PAYMENT', ...input } as EndpointRequest<'pay'>, options),
    inquiryPayment: bind('inquiryPayment'),
    cancel: bind('cancel'),
    refund: bind('refund'),
    inquiryRefund: bind('inquiryRefund'),
    declare: bind('declare'),
    inquiryDeclarationRequests: bind('inquiryDeclarationRequests'),
    request,
    serialize: (name, input) => serializeRequest(name, ENDPOINTS[name] as EndpointDefinition, name === 'pay' ? ({ productCode: 'AGREEMENT_PAYMENT', ...(input as object) } as never) : input),
    worstCaseCallMs: (operation) =>
      worstCaseCallMs({ timeoutMs, maxRetries: transportRetries(operation, transport.maxRetries), retryBaseDelayMs: transport.retryBaseDelayMs }),
    pathFor: (name) => resolveEndpointPath(ENDPOINTS[name].path, config.clientId),
    verifyNotification: ({ path, headers, rawBody }) =>
      verifyNotification({ path, headers, rawBody, clientId: config.clientId, publicKey: alipayPublicKey }),
  } satisfies AlipayClient);
}
