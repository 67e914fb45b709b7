import path from 'node:path';
import { log } from '../lib/log';
import type { Env } from '../lib/env';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';

/**
 * Starts the local Antom simulator in this process, at the gateway URL scripts/load-config.ts already
 * pointed the portal at (127.0.0.1:SIMULATOR_PORT): the development key pairs under <DATA_DIR>/keys, the
 * merchant key registered for ALIPAY_CLIENT_ID, notify URLs pointing at APP_URL. The simulator listens on
 * 127.0.0.1 while the portal is on localhost, so the two are different sites for cookies, as with the
 * real Antom.
 */
export async function startLocalSimulator(config: Env): Promise<{ close: () => Promise<void>; url: string }> {
  const dataDir = path.resolve(config.DATA_DIR);
  const keys = ensureDevKeys(dataDir);
  const appUrl = config.APP_URL.replace(/\/+$/, '');
  const simulator = await startSimulator({
    port: config.SIMULATOR_PORT,
    host: '127.0.0.1',
    dataDir,
    secret: config.SIMULATOR_SECRET ?? '',
    timeScale: config.SIMULATOR_TIME_SCALE,
    publicBaseUrl: `http://127.0.0.1:${config.SIMULATOR_PORT}`,
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
  log().info({ url: simulator.url }, `local Antom simulator: ${simulator.url} (wallet pages, control API, report files)`);
  return { url: simulator.url, close: () => simulator.close() };
}
