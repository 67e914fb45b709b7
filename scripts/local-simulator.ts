import path from 'node:path';
import type { Env } from '../lib/env';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';

/**
 * Starts the local Antom simulator in this process (zero setup: key pairs under <DATA_DIR>/keys, the
 * merchant key registered for ALIPAY_CLIENT_ID, notify URLs pointing at APP_URL) and returns the variables
 * that point the portal at it. The simulator listens on 127.0.0.1 while the portal is on localhost, so
 * the two are different sites for cookies, as with the real Antom.
 */
export async function startLocalSimulator(config: Env): Promise<{ env: Record<string, string>; close: () => Promise<void>; url: string }> {
  const dataDir = path.resolve(config.DATA_DIR);
  const keys = ensureDevKeys(dataDir);
  const port = Number(process.env.SIMULATOR_PORT || 4010);
  const appUrl = config.APP_URL.replace(/\/+$/, '');
  const secret = config.SIMULATOR_SECRET ?? '';
  const simulator = await startSimulator({
    port,
    host: '127.0.0.1',
    dataDir,
    secret,
    timeScale: Number(process.env.SIMULATOR_TIME_SCALE || 1),
    publicBaseUrl: `http://127.0.0.1:${port}`,
    simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
    clients: [
      {
        clientId: config.ALIPAY_CLIENT_ID,
        publicKeyPem: keys.merchantPublicKeyPem,
        keyVersion: config.ALIPAY_KEY_VERSION,
        merchantName: 'Daikou (local)',
        notifyUrls: {
          payment: `${appUrl}/api/alipay/notify/payment`,
          refund: `${appUrl}/api/alipay/notify/refund`,
          authorization: `${appUrl}/api/alipay/notify/authorization`,
        },
      },
    ],
  });
  console.log(`[daikou] local Antom simulator: ${simulator.url} (wallet pages, control API, report files)`);
  return {
    url: simulator.url,
    env: {
      ALIPAY_GATEWAY_URL: simulator.url,
      ALIPAY_MERCHANT_PRIVATE_KEY: keys.merchantPrivateKeyPem,
      ALIPAY_PUBLIC_KEY: keys.simulatorPublicKeyPem,
      SIMULATOR_URL: simulator.url,
      SIMULATOR_SECRET: secret,
    },
    close: () => simulator.close(),
  };
}
