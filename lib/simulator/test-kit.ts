/**
 * Test-only helpers for the simulator's suites: start a simulator on port 0 with a temp data dir and a
 * compressed clock, sign AMS calls the way the official SDKs do (through lib/alipay's signature
 * functions), and run a throw-away notification receiver. Not used by the simulator itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAlipayClient, type AlipayClient } from '../alipay';
import { testKeyPair } from '../alipay/test-support';
import { loadPublicKey } from '../alipay/keys';
import { buildSignContent, formatSignatureHeader, parseSignatureHeader, signContent, verifyContent } from '../alipay/signature';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from './server';

/** JSON answers of many shapes in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test data, asserted field by field
export type Json = any;

export const TEST_CLIENT_ID = 'TEST_MERCHANT';
export const TEST_SECRET = 'test-secret';

export interface TestSimulator {
  sim: RunningSimulator;
  dataDir: string;
  merchant: ReturnType<typeof testKeyPair>;
  close(): Promise<void>;
}

export async function startTestSimulator(extra: Partial<StartSimulatorOptions> = {}, dataDir?: string): Promise<TestSimulator> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'daikou-sim-'));
  const merchant = testKeyPair('simulator-merchant');
  const sim = await startSimulator({
    port: 0,
    dataDir: dir,
    secret: TEST_SECRET,
    timeScale: 1 / 10_000,
    hangMs: 1_500,
    simulatorPrivateKeyPem: testKeyPair('simulator-antom').privatePem,
    clients: [{ clientId: TEST_CLIENT_ID, publicKeyPem: merchant.publicPem, keyVersion: '1' }],
    ...extra,
  });
  return {
    sim,
    dataDir: dir,
    merchant,
    async close() {
      await sim.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CallOptions {
  clientId?: string;
  /** Request-Time value; default epoch ms. */
  time?: string;
  prefix?: '/ams/api/v1' | '/ams/sandbox/api/v1';
  headers?: Record<string, string>;
  /** Use this raw body text instead of JSON.stringify(body). */
  rawBody?: string;
  privateKey?: ReturnType<typeof testKeyPair>['privateKey'];
  keyVersion?: string;
  /** Header-name spelling: SDK mixed case or all lowercase. */
  headerCase?: 'lower' | 'mixed';
  /** Sign this path instead of the one requested (to provoke a path mismatch). */
  signPath?: string;
  /** Build the Signature header from the URL-encoded signature (e.g. to drop keyVersion). */
  signatureHeader?: (signature: string) => string;
}

export interface CallResult {
  status: number;
  json: Record<string, Json>;
  text: string;
  headers: Headers;
  /** True when the answer carried a valid simulator signature. */
  signed: boolean;
}

/** Signs and sends one AMS call; verifies the answer's signature with the simulator's public key. */
export async function amsCall(t: TestSimulator, endpoint: string, body: unknown, opts: CallOptions = {}): Promise<CallResult> {
  const clientId = opts.clientId ?? TEST_CLIENT_ID;
  const time = opts.time ?? String(Date.now());
  const reqPath = `${opts.prefix ?? '/ams/api/v1'}/${endpoint}`;
  const text = opts.rawBody ?? JSON.stringify(body);
  const signature = signContent(
    buildSignContent({ method: 'POST', path: opts.signPath ?? reqPath, clientId, time, body: text }),
    opts.privateKey ?? t.merchant.privateKey,
  );
  const mixed = opts.headerCase === 'mixed';
  const res = await fetch(`${t.sim.url}${reqPath}`, {
    method: 'POST',
    headers: {
      [mixed ? 'Content-Type' : 'content-type']: 'application/json; charset=UTF-8',
      [mixed ? 'Client-Id' : 'client-id']: clientId,
      [mixed ? 'Request-Time' : 'request-time']: time,
      [mixed ? 'Signature' : 'signature']: opts.signatureHeader
        ? opts.signatureHeader(signature)
        : formatSignatureHeader({ keyVersion: opts.keyVersion ?? '1', signature }),
      ...(opts.headers ?? {}),
    },
    body: text,
  });
  const answer = await res.text();
  return { status: res.status, json: JSON.parse(answer) as Record<string, Json>, text: answer, headers: res.headers, signed: verifyAnswer(t, reqPath, res.headers, answer) };
}

export function verifyAnswer(t: TestSimulator, reqPath: string, headers: Headers, body: string): boolean {
  const sig = headers.get('signature');
  const time = headers.get('response-time');
  const clientId = headers.get('client-id');
  if (!sig || !time || !clientId) return false;
  const parsed = parseSignatureHeader(sig);
  return verifyContent(buildSignContent({ method: 'POST', path: reqPath, clientId, time, body }), parsed.signature, loadPublicKey(t.sim.publicKeyPem));
}

/** Calls the control API with the test secret. */
export async function control(t: TestSimulator, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${t.sim.url}/simulator/${route}`, {
    method,
    headers: { authorization: `Bearer ${TEST_SECRET}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

export interface ReceivedNotification {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A notification receiver that answers a failure `failTimes` times, then the fixed acknowledgement. */
export async function startReceiver(failTimes = 0): Promise<{ url: string; received: ReceivedNotification[]; close(): Promise<void> }> {
  const received: ReceivedNotification[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      if (failures < failTimes) {
        failures += 1;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('not now');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `check` is truthy or the timeout passes. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** lib/alipay's client pointed at the test simulator. */
export function alipayClientFor(t: TestSimulator, clientId = TEST_CLIENT_ID, timeoutMs = 5_000) {
  return createAlipayClient({
    gatewayUrl: t.sim.url,
    clientId,
    merchantPrivateKey: t.merchant.privatePem,
    alipayPublicKey: t.sim.publicKeyPem,
    timeoutMs,
    maxRetries: 0,
  });
}

let counter = 0;
/** A unique id for request ids in tests. */
export const uniqueId = (prefix: string): string => `${prefix}-${Date.now()}-${++counter}`;

/** consult + control-API approve + applyToken; returns the access token. */
export async function authorizeViaControl(t: TestSimulator, client: AlipayClient, wallet = 'GCASH', account = 'normal'): Promise<string> {
  const authState = uniqueId('state');
  await client.consult({ customerBelongsTo: wallet, authRedirectUrl: 'https://m.example/r', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
  const approved = await control(t, 'POST', 'authorizations/approve', { authState, account });
  const token = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: wallet, authCode: approved.json.authCode } as never);
  return (token.data as { accessToken: string }).accessToken;
}

/** A pay input for lib/alipay's client. */
export function payInput(token: string, value: string, wallet = 'GCASH', currency = 'PHP') {
  const paymentRequestId = uniqueId('pay');
  return {
    paymentRequestId,
    paymentAmount: { currency, value },
    paymentMethod: { paymentMethodType: wallet, paymentMethodId: token },
    order: { referenceOrderId: uniqueId('order'), orderDescription: 'Test order', orderAmount: { currency, value } },
  } as never;
}
