/**
 * Simulator throughput: signed Auto Debit `pay` calls per second against the in-process simulator
 * (state persisted to a temp data dir as in normal use), driven from a separate load process over
 * keep-alive loopback HTTP with bounded concurrency for a bounded time. Every request is signed with
 * the merchant key and every answer's signature is verified, so both RSA operations per call are paid.
 * Target (issue 4): ≥ 1,000 signed pay calls/s on this machine. Loopback only. ~12 s.
 *
 *   npx tsx bench/simulator.bench.ts            (or npm run bench -- simulator)
 *   BENCH_SECONDS=8 BENCH_CONCURRENCY=32 BENCH_PERSIST=0   optional knobs
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAlipayClient } from '../lib/alipay';
import { loadPrivateKey, loadPublicKey } from '../lib/alipay/keys';
import { buildSignContent, formatSignatureHeader, parseSignatureHeader, signContent, verifyContent } from '../lib/alipay/signature';
import { startSimulator } from '../lib/simulator/server';

const TARGET_PER_SECOND = 1_000;
const CLIENT_ID = 'BENCH_MERCHANT';
const SECRET = 'bench-secret';
const PAY_PATH = '/ams/api/v1/payments/pay';

interface LoadConfig {
  url: string;
  merchantPrivatePem: string;
  simulatorPublicPem: string;
  seconds: number;
  concurrency: number;
}

interface LoadResult {
  ok: number;
  failed: number;
  badSignature: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

/** The load process: authorize once, then fire signed pay calls until the time is up. */
async function runLoad(cfg: LoadConfig): Promise<LoadResult> {
  const merchantKey = loadPrivateKey(cfg.merchantPrivatePem);
  const simulatorKey = loadPublicKey(cfg.simulatorPublicPem);
  const client = createAlipayClient({ gatewayUrl: cfg.url, clientId: CLIENT_ID, merchantPrivateKey: merchantKey, alipayPublicKey: simulatorKey });
  const authState = `bench-${Date.now()}`;
  await client.consult({ customerBelongsTo: 'GCASH', authRedirectUrl: 'https://bench.example/r', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' } as never);
  const approve = await fetch(`${cfg.url}/simulator/authorizations/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ authState }),
  });
  const { authCode } = (await approve.json()) as { authCode: string };
  const token = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode } as never);
  const accessToken = (token.data as { accessToken: string }).accessToken;

  const agent = new Agent({ keepAlive: true, maxSockets: cfg.concurrency });
  const { hostname, port } = new URL(cfg.url);
  let seq = 0;
  const latencies: number[] = [];
  const result: LoadResult = { ok: 0, failed: 0, badSignature: 0, seconds: 0, p50Ms: 0, p99Ms: 0 };

  const payOnce = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = `bench-${process.pid}-${++seq}`;
      const body = JSON.stringify({
        productCode: 'AGREEMENT_PAYMENT',
        paymentRequestId: id,
        paymentAmount: { currency: 'PHP', value: '10000' },
        paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: accessToken },
        order: { referenceOrderId: id, orderDescription: 'bench', orderAmount: { currency: 'PHP', value: '10000' } },
      });
      const time = String(Date.now());
      const signature = signContent(buildSignContent({ method: 'POST', path: PAY_PATH, clientId: CLIENT_ID, time, body }), merchantKey);
      const started = performance.now();
      const req = request(
        {
          agent,
          hostname,
          port,
          path: PAY_PATH,
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=UTF-8',
            'client-id': CLIENT_ID,
            'request-time': time,
            signature: formatSignatureHeader({ keyVersion: '1', signature }),
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - started);
            const text = Buffer.concat(chunks).toString('utf8');
            const sig = parseSignatureHeader(String(res.headers['signature'] ?? ''));
            const content = buildSignContent({ method: 'POST', path: PAY_PATH, clientId: CLIENT_ID, time: String(res.headers['response-time']), body: text });
            if (!verifyContent(content, sig.signature, simulatorKey)) result.badSignature++;
            else if ((JSON.parse(text) as { result: { resultCode: string } }).result.resultCode === 'SUCCESS') result.ok++;
            else result.failed++;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const started = performance.now();
  const deadline = started + cfg.seconds * 1000;
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (performance.now() < deadline) await payOnce();
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  result.p50Ms = latencies[Math.floor(latencies.length * 0.5)] ?? 0;
  result.p99Ms = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
  agent.destroy();
  return result;
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
  const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'daikou-sim-bench-'));
  const merchant = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const sim = await startSimulator({
    port: 0,
    dataDir,
    secret: SECRET,
    clients: [{ clientId: CLIENT_ID, publicKeyPem: merchant.publicKey, keyVersion: '1' }],
    // BENCH_PERSIST=0 measures the request path without the state snapshots.
    persist: process.env['BENCH_PERSIST'] !== '0',
  });
  try {
    const cfg: LoadConfig = { url: sim.url, merchantPrivatePem: merchant.privateKey, simulatorPublicPem: sim.publicKeyPem, seconds, concurrency };
    // Server CPU spent during the run: a capacity figure that other processes on the machine cannot skew.
    const cpuBefore = process.cpuUsage();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify(cfg));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    if (code !== 0) throw new Error(`load process exited ${code}`);
    const cpu = process.cpuUsage(cpuBefore);
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult;
    const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / Math.max(1, r.ok);
    const perSecond = r.ok / r.seconds;
    const ledger = sim.store.state.ledger.length;
    console.log(`simulator pay: ${r.ok} signed pay calls OK in ${r.seconds.toFixed(2)} s (concurrency ${concurrency}), failed ${r.failed}, bad signatures ${r.badSignature}`);
    console.log(`  ${perSecond.toFixed(0)} calls/s — ${(perSecond / TARGET_PER_SECOND).toFixed(2)}× the ${TARGET_PER_SECOND}/s target; latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms; ledger entries ${ledger}`);
    console.log(`  simulator CPU ${cpuMsPerCall.toFixed(3)} ms per call ≈ ${(1000 / cpuMsPerCall).toFixed(0)} calls per CPU-second (independent of other load on the machine)`);
    if (r.failed > 0 || r.badSignature > 0 || ledger !== r.ok) throw new Error('some calls failed or the ledger disagrees with the successes');
    if (perSecond < TARGET_PER_SECOND) process.exitCode = 1;
  } finally {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load')) {
  let input = '';
  process.stdin.on('data', (c: Buffer) => (input += c.toString('utf8')));
  process.stdin.on('end', () => {
    runLoad(JSON.parse(input) as LoadConfig)
      .then((r) => console.log(JSON.stringify(r)))
      .catch((e: unknown) => {
        console.error(e);
        process.exit(1);
      });
  });
} else {
  await main();
}
