import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createAlipayClient, type AlipayClient } from '@/lib/alipay';
import { recordApiCall } from '@/lib/api-calls/record-api-call';
import { observeAmsCall } from '@/lib/gateway/observe-ams-call';
import type { Db } from '@/lib/db/client';
import { loadPrivateKey } from '@/lib/alipay/keys';
import { signNotification } from '@/lib/alipay/notifications';
import { ensureDevKeys } from '@/lib/simulator/keys';
import { startSimulator, type RunningSimulator } from '@/lib/simulator/server';

export interface SimulatorHarness {
  simulator: RunningSimulator;
  /** The client id and key pairs (PEM), for a portal process started by a test. */
  clientId: string;
  keys: { merchantPrivateKeyPem: string; simulatorPublicKeyPem: string; simulatorPrivateKeyPem: string };
  alipay: AlipayClient;
  /** How many applyToken calls the portal side made. */
  applyTokenCalls(): number;
  /** How many calls the portal side made to one endpoint (e.g. 'revoke', 'consult'). */
  calls(endpoint: string): number;
  control<T = Record<string, unknown>>(route: string, body?: unknown): Promise<T>;
  /** Waits until every call so far is in api_calls (only with the `callLog` option). */
  flushCallLog(): Promise<void>;
  /** An AUTHCODE_CREATED exactly as Antom would POST it, signed with the simulator's private key. */
  signAuthCodeCreated(pair: { authState: string; authCode: string }): { path: string; headers: Record<string, string>; rawBody: string };
  close(): Promise<void>;
}

const SECRET = 'test-simulator-secret';
const CLIENT_ID = 'DAIKOU_TEST';

/** An in-process simulator on a free port, and a real lib/alipay client registered with it. */
export async function startSimulatorHarness(
  options: {
    /** Log every call to api_calls the way the app does. */
    callLog?: () => Db;
    /** The client's per-attempt timeout (default 10 s). */
    timeoutMs?: number;
    /** How long the simulator holds a "lost" answer (debit-then-timeout, refresh-answer-lost; default 20 s). */
    hangMs?: number;
    /** The simulator's port (default 0: any free one). */
    port?: number;
    /** Multiplies the simulator's notification resend intervals (default 1: Antom's real schedule). */
    timeScale?: number;
    /** Also run the simulator's SMTP sink (simulator.smtp; its messages at GET /simulator/mail/messages). */
    smtp?: boolean;
  } = {},
): Promise<SimulatorHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-sim-'));
  const keys = ensureDevKeys(dir);
  const simulator = await startSimulator({
    port: options.port ?? 0,
    secret: SECRET,
    persist: false,
    ...(options.smtp ? { smtp: { port: 0 } } : {}),
    ...(options.hangMs !== undefined ? { hangMs: options.hangMs } : {}),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
    clients: [{ clientId: CLIENT_ID, publicKeyPem: keys.merchantPublicKeyPem, keyVersion: '1', notifyUrls: {} }],
  });
  let applyTokenCalls = 0;
  const callCounts = new Map<string, number>();
  const logging: Promise<void>[] = [];
  const alipay = createAlipayClient({
    gatewayUrl: simulator.url,
    clientId: CLIENT_ID,
    merchantPrivateKey: keys.merchantPrivateKeyPem,
    alipayPublicKey: keys.simulatorPublicKeyPem,
    timeoutMs: options.timeoutMs ?? 10_000,
    observer: (event) => {
      observeAmsCall(event);
      if (event.endpoint === 'applyToken') applyTokenCalls++;
      callCounts.set(event.endpoint, (callCounts.get(event.endpoint) ?? 0) + 1);
      if (options.callLog) logging.push(recordApiCall(options.callLog(), event));
    },
  });
  return {
    simulator,
    clientId: CLIENT_ID,
    keys: { merchantPrivateKeyPem: keys.merchantPrivateKeyPem, simulatorPublicKeyPem: keys.simulatorPublicKeyPem, simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem },
    alipay,
    applyTokenCalls: () => applyTokenCalls,
    calls: (endpoint) => callCounts.get(endpoint) ?? 0,
    async flushCallLog() {
      await Promise.all(logging);
    },
    signAuthCodeCreated(pair) {
      const path = '/api/alipay/notify/authorization';
      const body = { authorizationNotifyType: 'AUTHCODE_CREATED', ...pair, result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } };
      return { path, ...signNotification({ path, clientId: CLIENT_ID, privateKey: loadPrivateKey(keys.simulatorPrivateKeyPem), body }) };
    },
    async control<T>(route: string, body?: unknown): Promise<T> {
      // A fresh connection per call (agent: false), not fetch's keep-alive pool: on a loaded machine a pooled
      // socket the simulator is closing for idleness resets the next call (ECONNRESET), and control calls such
      // as clock/advance must not be retried blindly.
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(
          `${simulator.url}${route}`,
          {
            method: payload === undefined ? 'GET' : 'POST',
            agent: false,
            headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json', ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
      if (status < 200 || status >= 300) throw new Error(`simulator ${route}: ${status} ${text}`);
      return JSON.parse(text) as T;
    },
    async close() {
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
