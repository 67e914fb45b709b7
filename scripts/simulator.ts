/**
 * `npm run simulator` — the local Antom simulator alone.
 *
 * Environment (all optional):
 *   SIMULATOR_PORT             HTTP port (default 4010)
 *   SIMULATOR_HOST             listen address (default 127.0.0.1)
 *   SIMULATOR_SECRET           control-API secret (default: generated once into <DATA_DIR>/simulator/secret)
 *   SIMULATOR_TIME_SCALE       resend-schedule multiplier (default 1; e.g. 0.001)
 *   SIMULATOR_HTTPS_PORT       also serve HTTPS with a self-signed certificate on this port
 *   SIMULATOR_PUBLIC_URL       base URL put in consult answers (default http://localhost:<port>)
 *   DATA_DIR                   data directory (default .data)
 *   MERCHANT_CLIENT_ID         client id of the local portal (default DAIKOU_LOCAL)
 *   SIMULATOR_NOTIFY_BASE_URL  where the portal listens (default http://localhost:3000)
 *   SIMULATOR_SFTP_PORT        also serve the report files over SFTP on this port (isftp.alipay.com's stand-in)
 *   SIMULATOR_SFTP_USER        its user (default daikou); the password is SIMULATOR_SFTP_PASSWORD, else the secret
 *   SIMULATOR_SMTP_PORT        also run the SMTP sink for buyer emails on this port (listed at /simulator/mail)
 * On first start it creates the merchant and simulator key pairs under <DATA_DIR>/keys/ and registers
 * the merchant public key for MERCHANT_CLIENT_ID.
 */
import { log, setProcessLogName } from '../lib/log';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';

setProcessLogName('simulator');
const env = process.env;
const dataDir = path.resolve(env['DATA_DIR'] || '.data');
const port = Number(env['SIMULATOR_PORT'] || 4010);
const host = env['SIMULATOR_HOST'] || '127.0.0.1';
const timeScale = Number(env['SIMULATOR_TIME_SCALE'] || 1);
const clientId = env['MERCHANT_CLIENT_ID'] || 'DAIKOU_LOCAL';
const notifyBase = (env['SIMULATOR_NOTIFY_BASE_URL'] || 'http://localhost:3000').replace(/\/+$/, '');
const httpsPort = env['SIMULATOR_HTTPS_PORT'] ? Number(env['SIMULATOR_HTTPS_PORT']) : undefined;

function secret(): string {
  if (env['SIMULATOR_SECRET']) return env['SIMULATOR_SECRET'];
  const file = path.join(dataDir, 'simulator', 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

const keys = ensureDevKeys(dataDir);
const sim = await startSimulator({
  port,
  host,
  dataDir,
  secret: secret(),
  timeScale,
  publicBaseUrl: env['SIMULATOR_PUBLIC_URL'] || `http://localhost:${port}`,
  simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
  clients: [
    {
      clientId,
      publicKeyPem: keys.merchantPublicKeyPem,
      keyVersion: '1',
      merchantName: 'Daikou (local)',
      notifyUrls: {
        payment: `${notifyBase}/api/alipay/notify/payment`,
        refund: `${notifyBase}/api/alipay/notify/refund`,
        authorization: `${notifyBase}/api/alipay/notify/authorization`,
      },
    },
  ],
  ...(httpsPort !== undefined ? { https: { port: httpsPort } } : {}),
  ...(env['SIMULATOR_SFTP_PORT']
    ? { sftp: { port: Number(env['SIMULATOR_SFTP_PORT']), user: env['SIMULATOR_SFTP_USER'] || 'daikou', password: env['SIMULATOR_SFTP_PASSWORD'] || secret() } }
    : {}),
  ...(env['SIMULATOR_SMTP_PORT'] ? { smtp: { port: Number(env['SIMULATOR_SMTP_PORT']) } } : {}),
});

log().info(
  {
    url: sim.url,
    httpsUrl: sim.httpsUrl,
    clientId,
    timeScale,
    sftp: sim.sftpPort ? `sftp://127.0.0.1:${sim.sftpPort}/v1/settlements/` : undefined,
    smtp: sim.smtp ? `smtp://127.0.0.1:${sim.smtp.port} (mail at ${sim.url}/simulator/mail)` : undefined,
    publicKey: `${sim.url}/simulator/public-key`,
    keys: keys.dir,
    controlSecretFile: path.join(dataDir, 'simulator', 'secret'),
  },
  `Antom simulator on ${sim.url} (home page ${sim.url}/)`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sim.close().then(() => process.exit(0));
  });
}
