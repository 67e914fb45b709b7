// `npm run dev` / `npm start` in simulator mode: the local simulator (scripts/local-simulator.ts) also starts
// its SFTP server on SIMULATOR_SFTP_PORT (default SIMULATOR_PORT + 1), and ANTOM_SFTP_* default to it
// (lib/env.ts), so the fetch job reaches it out of the box — here, with the settings exactly as the job
// reads them, it connects, signs in and records a successful fetch.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMerchantId } from '@/lib/alipay/merchant-id';
import { reconSftpState } from '@/lib/db/schema';
import { parseEnv, type Env } from '@/lib/env';
import { fetchSftpReports } from '@/lib/reconciliation/fetch-sftp-reports';
import { startLocalSimulator } from '../../scripts/local-simulator';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const KEY = Buffer.alloc(32, 7).toString('base64');

/** Whether a TCP port on 127.0.0.1 is free right now. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port p with p + 1 free as well (the default SFTP port). */
async function portPair(): Promise<number> {
  for (;;) {
    const p = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (p < 65535 && (await free(p + 1))) return p;
  }
}

let dataDir: string;
let config: Env;
let simulator: Awaited<ReturnType<typeof startLocalSimulator>>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'daikou-dev-sftp-'));
  const simulatorPort = await portPair();
  // As scripts/load-config.ts leaves it in simulator mode: the mode set, the control secret generated.
  config = parseEnv({
    AUTH_SECRET: 'x'.repeat(40),
    TOKEN_ENCRYPTION_KEY: KEY,
    TOKEN_INDEX_KEY: KEY,
    DAIKOU_GATEWAY_MODE: 'simulator',
    ALIPAY_GATEWAY_URL: `http://127.0.0.1:${simulatorPort}`,
    SIMULATOR_PORT: String(simulatorPort),
    SIMULATOR_SECRET: 'local-simulator-secret',
    DATA_DIR: dataDir,
  });
  simulator = await startLocalSimulator(config);
});

afterAll(async () => {
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`the local simulator's SFTP for npm run dev / npm start (${testDatabaseKind()})`, { timeout: 120_000 }, () => {
  it('listens on SIMULATOR_PORT + 1, and the fetch job reaches it with the defaulted ANTOM_SFTP_* settings', async () => {
    expect(config.SIMULATOR_SFTP_PORT).toBe(config.SIMULATOR_PORT + 1);
    expect(config).toMatchObject({ ANTOM_SFTP_HOST: '127.0.0.1', ANTOM_SFTP_PORT: config.SIMULATOR_SFTP_PORT, ANTOM_SFTP_USER: 'daikou', ANTOM_SFTP_PASSWORD: 'local-simulator-secret' });
    expect(await free(config.SIMULATOR_SFTP_PORT)).toBe(false);

    const database = await createTestDatabase();
    try {
      // The settings exactly as lib/reconciliation/fetch-sftp.job.ts builds them.
      const result = await fetchSftpReports(database.db, {
        host: config.ANTOM_SFTP_HOST!,
        port: config.ANTOM_SFTP_PORT,
        user: config.ANTOM_SFTP_USER!,
        password: config.ANTOM_SFTP_PASSWORD,
        privateKey: config.ANTOM_SFTP_PRIVATE_KEY,
        merchantId: localMerchantId(config.ALIPAY_CLIENT_ID),
        maxBytes: config.ANTOM_SFTP_MAX_MB * 1024 * 1024,
        spoolDir: path.join(dataDir, 'sftp-spool'),
        timeoutMs: 10_000,
        copyUrl: database.url,
      });
      expect(result, result.error).toMatchObject({ status: 'fetched', rejected: [] });
      const [state] = await database.db.select().from(reconSftpState);
      expect(state).toMatchObject({ failures: 0, lastError: null });
      expect(state!.lastFetchedAt).not.toBeNull();
    } finally {
      await database.close();
    }
  });
});
