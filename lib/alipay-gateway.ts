import { createAlipayClient, type AlipayCallEvent, type AlipayClient } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { apiCalls } from '@/lib/db/schema';
import { env } from '@/lib/env';

const globalForAlipay = globalThis as unknown as { daikouAlipay?: AlipayClient };

/**
 * The portal's AMS client, built once from configuration (the local simulator or Antom: only the URL,
 * client id and keys differ). Every call attempt is logged, redacted by lib/alipay, into api_calls.
 */
export function getAlipayClient(db: Db): AlipayClient {
  if (globalForAlipay.daikouAlipay) return globalForAlipay.daikouAlipay;
  const config = env();
  if (!config.ALIPAY_MERCHANT_PRIVATE_KEY || !config.ALIPAY_PUBLIC_KEY) {
    throw new Error('ALIPAY_MERCHANT_PRIVATE_KEY and ALIPAY_PUBLIC_KEY must be set (npm run dev sets them for the local simulator).');
  }
  globalForAlipay.daikouAlipay = createAlipayClient({
    gatewayUrl: config.ALIPAY_GATEWAY_URL,
    clientId: config.ALIPAY_CLIENT_ID,
    merchantPrivateKey: config.ALIPAY_MERCHANT_PRIVATE_KEY,
    alipayPublicKey: config.ALIPAY_PUBLIC_KEY,
    keyVersion: config.ALIPAY_KEY_VERSION,
    timeoutMs: config.ALIPAY_TIMEOUT_MS,
    observer: (event) => void logApiCall(db, event),
  });
  return globalForAlipay.daikouAlipay;
}

/** Best effort: a failed log insert must never fail the payment flow it describes. */
export async function logApiCall(db: Db, event: AlipayCallEvent): Promise<void> {
  try {
    await db.insert(apiCalls).values({
      endpoint: event.endpoint,
      path: event.path,
      attempt: event.attempt,
      requestTime: event.requestTime,
      requestBody: parseJson(event.request.body),
      responseStatus: event.response?.status ?? null,
      responseBody: event.response ? parseJson(event.response.body) : null,
      outcome: event.outcome ?? null,
      resultStatus: event.resultStatus ?? null,
      resultCode: event.resultCode ?? null,
      signatureVerified: event.signatureVerified === undefined ? null : String(event.signatureVerified),
      errorCode: event.error?.code ?? null,
      errorMessage: event.error?.message ?? null,
      durationMs: Math.round(event.durationMs),
    });
  } catch (error) {
    console.warn(`[api_calls] could not log ${event.endpoint}: ${(error as Error).message}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text.slice(0, 2000) };
  }
}
