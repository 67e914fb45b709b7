import { createAlipayClient, type AlipayClient } from '@/lib/alipay';
import { recordApiCall } from '@/lib/api-calls/record-api-call';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { observeAmsCall } from './observe-ams-call';

const globalForAlipay = globalThis as unknown as { daikouAlipay?: AlipayClient };

/**
 * The process's AMS client, built once from configuration (the local simulator or Antom: only the URL,
 * client id and keys differ). Every attempt is written, redacted by lib/alipay, to the API call log on the
 * process's database, linked to the `subject` the caller passed in CallOptions.
 */
export function getAlipayClient(): AlipayClient {
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
    observer: (event) => {
      observeAmsCall(event);
      void getDb().then((db) => recordApiCall(db, event));
    },
  });
  return globalForAlipay.daikouAlipay;
}
