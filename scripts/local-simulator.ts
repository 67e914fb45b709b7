import net from 'node:net';
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
  let sftpPassword = config.SIMULATOR_SFTP_PASSWORD ?? config.SIMULATOR_SECRET;
  // A busy SFTP port must not keep the portal from starting: the reports still reach it by the drop folder.
  if (sftpPassword && !(await portFree(config.SIMULATOR_SFTP_PORT))) {
    log().warn(`simulator SFTP: port ${config.SIMULATOR_SFTP_PORT} is in use, so report files are not served over SFTP (set SIMULATOR_SFTP_PORT); the drop folder still reads them.`);
    sftpPassword = undefined;
  }
  // Buyer emails land in the simulator's SMTP sink (SMTP_URL defaults to it in simulator mode, lib/env.ts).
  const smtpFree = await portFree(config.SIMULATOR_SMTP_PORT);
  if (!smtpFree) log().warn(`simulator SMTP sink: port ${config.SIMULATOR_SMTP_PORT} is in use, so buyer emails are not received locally (set SIMULATOR_SMTP_PORT).`);
  const simulator = await startSimulator({
    port: config.SIMULATOR_PORT,
    host: '127.0.0.1',
    dataDir,
    secret: config.SIMULATOR_SECRET ?? '',
    timeScale: config.SIMULATOR_TIME_SCALE,
    publicBaseUrl: `http://127.0.0.1:${config.SIMULATOR_PORT}`,
    simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
    // isftp.alipay.com's stand-in: the report files over SFTP, where ANTOM_SFTP_* point by default (lib/env.ts).
    ...(sftpPassword ? { sftp: { port: config.SIMULATOR_SFTP_PORT, user: config.SIMULATOR_SFTP_USER, password: sftpPassword } } : {}),
    ...(smtpFree ? { smtp: { port: config.SIMULATOR_SMTP_PORT } } : {}),
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
  if (simulator.sftpPort) log().info({ sftpPort: simulator.sftpPort }, `simulator SFTP (report files): sftp://${config.SIMULATOR_SFTP_USER}@127.0.0.1:${simulator.sftpPort}/v1/settlements/`);
  if (simulator.smtp) log().info({ smtpPort: simulator.smtp.port }, `simulator SMTP sink (buyer emails): smtp://127.0.0.1:${simulator.smtp.port}, listed at ${simulator.url}/simulator/mail`);
  return { url: simulator.url, close: () => simulator.close() };
}

/** Whether 127.0.0.1:port can be listened on right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
