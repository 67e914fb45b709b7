// reliability.md §6.2 scenarios 7 and 8 against the production web server (scripts/serve-next.ts, a built .next)
// on PostgreSQL, started with --expose-gc so SIGUSR2 makes it collect and log its heap:
// - 8, oversized and trickled bodies: 2 MB (declared and chunked) to the notification routes and /api/v1 → a
//   typed 413; a body trickled at 1 byte a second → cut off at the request deadline (REQUEST_TIMEOUT_SECONDS,
//   3 s here) with a typed 408, while the server keeps answering others within a second; no heap growth.
// - 7, fuzz the edges: 100,000 generated requests (fast-check, seeded; tests/helpers/route-fuzz.ts) into every
//   route family — notification routes (signed with Antom's key so they reach the parser, or not), every
//   /api/v1 route (with and without a valid key), health, metrics and the buyer routes — → never a 5xx, every
//   4xx of the API and the notify routes a typed JSON error, the process alive, and the heap after a forced GC
//   at most HEAP_GROWTH_BOUND (48 MB) above where it stood after the first tenth; and 100,000 generated Signature
//   headers into the parser (typed error or a parse, nothing else). ROUTE_FUZZ_TOTAL, SIGNATURE_FUZZ_TOTAL and
//   ROUTE_FUZZ_SEED change the counts and the seed (a failure prints the seed and the request, so it replays).
import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignatureHeader } from '@/lib/alipay/signature';
import { loadPrivateKey } from '@/lib/alipay/keys';
import { createApiKey } from '@/lib/api/api-keys';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { freePort, startPortalProcess, until, worldEnvironment, type PortalProcess } from '../helpers/portal-process';
import { runFuzz } from '../helpers/route-fuzz';
import { testDatabaseKind } from '../helpers/test-database';

const TOTAL = Number(process.env.ROUTE_FUZZ_TOTAL ?? 100_000);
const SEED = Number(process.env.ROUTE_FUZZ_SEED ?? 24_007);
const SIGNATURE_TOTAL = Number(process.env.SIGNATURE_FUZZ_TOTAL ?? 100_000);
const HEAP_GROWTH_BOUND = 48 * 1024 * 1024;
const REQUEST_TIMEOUT_SECONDS = 3;
const METRICS_TOKEN = `metrics-${randomUUID()}`;

let world: PaymentWorld;
let web: PortalProcess;
let webUrl = '';
let webPort = 0;
let apiKey = '';

/** Forces a full GC in the web process (SIGUSR2) and reads the heap it logged. */
async function heapAfterGc(): Promise<number> {
  const before = web.lines().filter((l) => l.includes('heap after gc')).length;
  web.child.kill('SIGUSR2');
  await until(() => web.lines().filter((l) => l.includes('heap after gc')).length > before, 30_000, 'the heap line');
  const line = web.lines().filter((l) => l.includes('heap after gc')).at(-1)!;
  return (JSON.parse(line) as { heapUsedBytes: number }).heapUsedBytes;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One raw HTTP/1.1 exchange: headers, then the body a byte every `byteEveryMs` (or all at once). */
function rawRequest(head: string, body: Buffer, byteEveryMs: number | null, timeoutMs: number): Promise<{ text: string; ms: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = createConnection({ host: '127.0.0.1', port: webPort });
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const give = setTimeout(() => {
      socket.destroy();
      resolve({ text, ms: Date.now() - started, closed: false });
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      // A whole answer (headers and its content-length of body) is enough: keep-alive may leave the socket open.
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? NaN);
      const chunked = end >= 0 && /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end)) && text.endsWith('0\r\n\r\n');
      if (chunked || (end >= 0 && Number.isFinite(length) && Buffer.byteLength(text.slice(end + 4)) >= length)) {
        clearTimeout(give);
        clearInterval(timer);
        socket.destroy();
        resolve({ text, ms: Date.now() - started, closed: true });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(give);
      clearInterval(timer);
      resolve({ text, ms: Date.now() - started, closed: true });
    });
    socket.on('connect', () => {
      socket.write(head);
      if (byteEveryMs === null) {
        socket.write(body);
        return;
      }
      let i = 0;
      timer = setInterval(() => {
        if (i < body.length && socket.writable) socket.write(body.subarray(i, ++i));
      }, byteEveryMs);
    });
    socket.on('timeout', () => reject(new Error('socket timeout')));
  });
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}

function jsonCode(text: string): string | undefined {
  const end = text.indexOf('\r\n\r\n');
  let body = text.slice(end + 4);
  if (/\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end))) {
    // De-chunk: size line, data, CRLF, … 0.
    let out = '';
    for (let rest = body; ; ) {
      const line = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, line), 16);
      if (!(size > 0)) break;
      out += rest.slice(line + 2, line + 2 + size);
      rest = rest.slice(line + 2 + size + 2);
    }
    body = out;
  }
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

describe.skipIf(testDatabaseKind() !== 'postgres')('scenarios 7 and 8: oversized, trickled and generated requests into the production server (postgres)', () => {
  beforeAll(async () => {
    world = await startPaymentWorld({ timeScale: 1 / 200 });
    const key = await createApiKey(world.database.db, world.admin, { name: 'fuzz', scope: 'read_write', allowedIps: [] }, 'test');
    if (!key.ok) throw new Error(key.error);
    apiKey = key.data.secret;
    webPort = Number(process.env.RELIABILITY_WEB_PORT ?? 0) || (await freePort());
    webUrl = `http://127.0.0.1:${webPort}`;
    web = startPortalProcess(
      'scripts/serve-next.ts',
      worldEnvironment(world, {
        APP_URL: webUrl,
        NEXTAUTH_URL: webUrl,
        NODE_OPTIONS: '--expose-gc',
        WORKER_IN_PROCESS: 'false',
        REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_SECONDS),
        POST_RATE_PER_ADDRESS: '100000',
        // The oversize and generated requests are refused on purpose, many from one address: not rate-limited here.
        NOTIFICATION_REJECTION_BURST: '1000000',
        API_RATE_PER_SECOND: '100000',
        API_RATE_BURST: '100000',
        METRICS_TOKEN,
        LOG_LEVEL: 'info',
      }),
      [String(webPort)],
    );
    await until(
      async () => {
        if (web.child.exitCode !== null) throw new Error(`web exited early:\n${web.lines().slice(-20).join('\n')}`);
        return fetch(`${webUrl}/api/health/ready`).then((r) => r.ok, () => false);
      },
      120_000,
      'the web process to be ready',
    );
  }, 300_000);

  afterAll(async () => {
    if (web && web.child.exitCode === null && web.child.signalCode === null) {
      web.child.kill('SIGTERM');
      await Promise.race([web.exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (web.child.exitCode === null && web.child.signalCode === null) web.child.kill('SIGKILL');
    }
    await world?.close();
  }, 60_000);

  const TARGETS = [
    { path: '/api/alipay/notify/payment', auth: '' },
    { path: '/api/alipay/notify/refund', auth: '' },
    { path: '/api/alipay/notify/authorization', auth: '' },
    { path: '/api/v1/customers', auth: 'authorization: Bearer API_KEY\r\n' },
  ];

  it('scenario 8: a 2 MB body, declared or chunked, to every notification route and /api/v1 → a typed 413; the heap does not grow', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x7b);
    const warm = await heapAfterGc();
    const codes: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const target of TARGETS) {
        const auth = target.auth.replace('API_KEY', apiKey);
        const declared = await rawRequest(`POST ${target.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${auth}content-length: ${big.length}\r\n\r\n`, big, null, 30_000);
        expect(statusOf(declared.text), `${target.path} declared: ${declared.text.slice(0, 300)}`).toBe(413);
        const chunked = await rawRequest(`POST ${target.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${auth}transfer-encoding: chunked\r\n\r\n`, Buffer.concat([Buffer.from(`${big.length.toString(16)}\r\n`), big, Buffer.from('\r\n0\r\n\r\n')]), null, 30_000);
        expect(statusOf(chunked.text), `${target.path} chunked: ${chunked.text.slice(0, 300)}`).toBe(413);
        codes.push(String(jsonCode(declared.text)), String(jsonCode(chunked.text)));
      }
    }
    expect(codes.filter((c) => c === 'undefined'), 'every 413 carries a typed JSON error').toEqual([]);
    const after = await heapAfterGc();
    console.log(`[reliability] scenario 8 oversize: ${codes.length} × 2 MB refused with 413 (${[...new Set(codes)].join(', ')}); heap after GC ${mb(warm)} → ${mb(after)}`);
    expect(after - warm).toBeLessThan(16 * 1024 * 1024);
  }, 180_000);

  it(`scenario 8: bodies trickled at 1 byte/s to every notification route and /api/v1 → cut off at the ${REQUEST_TIMEOUT_SECONDS} s deadline with a typed 408; others answered meanwhile`, async () => {
    const body = Buffer.from(JSON.stringify({ name: 'x'.repeat(200) }));
    const trickles = TARGETS.flatMap((target) =>
      // Five slow clients per route at once.
      Array.from({ length: 5 }, () =>
        rawRequest(`POST ${target.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${target.auth.replace('API_KEY', apiKey)}content-length: ${body.length}\r\n\r\n`, body, 1000, 30_000),
      ),
    );
    // Meanwhile other clients are answered promptly.
    const latencies: number[] = [];
    const others = (async () => {
      const end = Date.now() + (REQUEST_TIMEOUT_SECONDS + 1) * 1000;
      while (Date.now() < end) {
        const t0 = performance.now();
        const r = await fetch(`${webUrl}/api/health/live`);
        expect(r.status).toBe(200);
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const [answers] = await Promise.all([Promise.all(trickles), others]);
    for (const a of answers) {
      expect(statusOf(a.text), a.text.slice(0, 300)).toBe(408);
      expect(jsonCode(a.text)).toBe('request_timeout');
      expect(a.closed).toBe(true);
      // The deadline, checked once a second: cut between 3 and ~6 s, never waiting out the 200-byte trickle.
      expect(a.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_SECONDS * 1000 - 100);
      expect(a.ms).toBeLessThan((REQUEST_TIMEOUT_SECONDS + 4) * 1000);
    }
    latencies.sort((a, b) => a - b);
    const max = latencies.at(-1)!;
    console.log(`[reliability] scenario 8 trickle: ${answers.length} slow clients cut off with 408 after ${Math.min(...answers.map((a) => a.ms))}–${Math.max(...answers.map((a) => a.ms))} ms; ${latencies.length} health answers meanwhile, slowest ${max.toFixed(0)} ms`);
    expect(max).toBeLessThan(1000);
    // Headers trickled too (slow-loris proper): also cut at the deadline.
    const slowHead = await rawRequest('', Buffer.from('POST /api/alipay/notify/payment HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 2\r\n\r\n{}'), 1000, 30_000);
    expect(statusOf(slowHead.text), slowHead.text).toBe(408);
    expect(web.child.exitCode).toBeNull();
  }, 120_000);

  it(`scenario 7: ${TOTAL.toLocaleString('en')} generated requests into every route family: no 5xx, typed 4xx, the heap after GC bounded`, async () => {
    const secrets = { antomPrivateKey: loadPrivateKey(world.sim.keys.simulatorPrivateKeyPem), clientId: world.sim.clientId, apiKey, metricsToken: METRICS_TOKEN };
    const heaps: { done: number; bytes: number }[] = [];
    const run = await runFuzz({
      baseUrl: webUrl,
      secrets,
      total: TOTAL,
      seed: SEED,
      concurrency: 8,
      // Ten batches or more; the heap is measured (after a forced GC) after the first one and after the last.
      batch: Math.max(100, Math.min(2000, Math.floor(TOTAL / 10))),
      onBatch: async (done) => {
        if (heaps.length === 0 || done === TOTAL) heaps.push({ done, bytes: await heapAfterGc() });
      },
    });
    console.log(
      `[reliability] scenario 7: ${run.sent} requests (seed ${SEED}) in ${run.seconds.toFixed(0)} s (${(run.sent / run.seconds).toFixed(0)}/s); by route ${JSON.stringify(run.byTarget)}; by status ${JSON.stringify(run.byStatus)}; ` +
        `${run.refusedByClient} refused by node:http before sending; heap after GC ${heaps.map((h) => `${mb(h.bytes)} at ${h.done}`).join(', ')}`,
    );
    expect(run.problems, `seed ${SEED}: ${run.problemCount} bad answers`).toEqual([]);
    expect(run.sent).toBeGreaterThan(TOTAL * 0.95);
    expect(web.child.exitCode).toBeNull();
    expect(heaps.at(-1)!.bytes - heaps[0]!.bytes).toBeLessThan(HEAP_GROWTH_BOUND);
  }, 1_800_000);

  it(`scenario 7: ${SIGNATURE_TOTAL.toLocaleString('en')} generated Signature headers into the parser → a parse or the typed error, nothing else`, () => {
    const piece = fc.oneof(fc.constantFrom('algorithm', 'keyVersion', 'signature', 'RSA256', '=', ',', ' ', '%', '%2B', '+', '/', '==', '1', ''), fc.string({ maxLength: 12 }), fc.base64String({ maxLength: 40 }));
    // Well-formed headers, parts in any order, with a signature of any length: some parse.
    const nearValid = fc
      .tuple(fc.constantFrom('algorithm=RSA256', 'algorithm=rsa256', 'algorithm=RSA'), fc.constantFrom('keyVersion=1', 'keyVersion=2', 'keyVersion=x'), fc.base64String({ maxLength: 400 }).map((b) => `signature=${encodeURIComponent(b)}`), fc.constantFrom(',', ', '), fc.boolean())
      .map(([a, k, sig, sep, swap]) => (swap ? [k, a, sig] : [a, k, sig]).join(sep));
    let parsed = 0;
    let typed = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), nearValid), (header) => {
        try {
          parseSignatureHeader(header);
          parsed++;
        } catch (e) {
          expect((e as { name?: string }).name).toBe('AlipaySignatureHeaderError');
          expect(typeof (e as { code?: unknown }).code).toBe('string');
          typed++;
        }
      }),
      { numRuns: SIGNATURE_TOTAL, seed: SEED },
    );
    console.log(`[reliability] scenario 7 Signature parser: ${SIGNATURE_TOTAL} headers, ${parsed} parsed, ${typed} typed errors`);
  }, 300_000);
});
