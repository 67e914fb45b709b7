import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAlipayClient, type AlipayClient } from '@/lib/alipay';
import { ensureDevKeys } from '@/lib/simulator/keys';
import { startSimulator, type RunningSimulator } from '@/lib/simulator/server';

export interface SimulatorHarness {
  simulator: RunningSimulator;
  alipay: AlipayClient;
  /** How many applyToken calls the portal side made. */
  applyTokenCalls(): number;
  control<T = Record<string, unknown>>(route: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

const SECRET = 'test-simulator-secret';
const CLIENT_ID = 'DAIKOU_TEST';

/** An in-process simulator on a free port, and a real lib/alipay client registered with it. */
export async function startSimulatorHarness(): Promise<SimulatorHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-sim-'));
  const keys = ensureDevKeys(dir);
  const simulator = await startSimulator({
    port: 0,
    secret: SECRET,
    persist: false,
    simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
    clients: [{ clientId: CLIENT_ID, publicKeyPem: keys.merchantPublicKeyPem, keyVersion: '1', notifyUrls: {} }],
  });
  let applyTokenCalls = 0;
  const alipay = createAlipayClient({
    gatewayUrl: simulator.url,
    clientId: CLIENT_ID,
    merchantPrivateKey: keys.merchantPrivateKeyPem,
    alipayPublicKey: keys.simulatorPublicKeyPem,
    timeoutMs: 10_000,
    observer: (event) => {
      if (event.endpoint === 'applyToken') applyTokenCalls++;
    },
  });
  return {
    simulator,
    alipay,
    applyTokenCalls: () => applyTokenCalls,
    async control<T>(route: string, body?: unknown): Promise<T> {
      const response = await fetch(`${simulator.url}${route}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw new Error(`simulator ${route}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
