/**
 * startSimulator — the local Antom: one node:http server (plus an optional HTTPS listener) serving
 * the AMS API, the wallet pages, the control API and the home page, with a ticker that settles
 * processing payments/refunds, delivers due notifications and writes each day's reports.
 *
 * Invariants: the request path is verify → in-memory state → sign (no disk, no framework); state is
 * saved by SimStore's debounced atomic snapshot and flushed on close; nothing here reads the environment —
 * every setting is an argument.
 */
import { errorLine, log } from '@/lib/log';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadPrivateKey } from '../alipay/keys';
import { handleAms, isAmsPath, type CallLogEntry } from './ams-gateway';
import { SimClock } from './clock';
import type { FeeConfig, SimContext } from './context';
import { handleControl, registerClient, type ClientInput } from './control-api';
import { homePage } from './home-page';
import { ensureDevKeys } from './keys';
import { Notifier } from './notifier';
import { finalizeDuePayments } from './payment-api';
import { finalizeDueRefunds } from './refund-api';
import { startSftpServer, type RunningSftpServer } from './sftp-server';
import { startSmtpSink, type RunningSmtpSink } from './smtp-sink';
import { ReportWriter } from './reports';
import { SimStore } from './store';
import { selfSignedCertificate } from './tls';
import { handleWallet } from './wallet-pages';
import { gmt8Day } from './wire';

export type SimulatorClientConfig = ClientInput;

export interface StartSimulatorOptions {
  /** 0 picks a free port (tests). Default 4010. */
  port?: number;
  /** Loopback by default. */
  host?: string;
  /** State under `<dataDir>/simulator/`, keys under `<dataDir>/keys/`. Omit for a memory-only simulator. */
  dataDir?: string;
  /** Guards the control API. */
  secret: string;
  /** Multiplies the notification resend intervals (1 = Antom's real schedule; 1/10000 squeezes 15 h into 5.4 s). */
  timeScale?: number;
  /** Base URL put in consult answers; default `http://<host>:<port>`. */
  publicBaseUrl?: string;
  /** Clients registered (or updated) at start, in addition to `<dataDir>/simulator/clients.json`. */
  clients?: SimulatorClientConfig[];
  /** The simulator's ("Antom's") private key. Default: `<dataDir>/keys/simulator-private.pem`, created if absent. */
  simulatorPrivateKeyPem?: string;
  /** keyVersion put in the simulator's Signature headers. Default "1". */
  simulatorKeyVersion?: string;
  fees?: { rateBps?: number | bigint; refundReturnsFee?: boolean };
  /** Debit-then-timeout hold (real ms). Default 20 000 (beyond the SDKs' 15 s read timeout). */
  hangMs?: number;
  /** Default delay of the "in process" scenarios, simulated seconds. Default 5. */
  processingDelaySeconds?: number;
  /** Scheduler period (real ms). Default 20. */
  tickMs?: number;
  /** Real-time limit of one notification attempt. Default 10 000. */
  notificationTimeoutMs?: number;
  /** Optional HTTPS listener with a self-signed certificate (node-forge). */
  https?: { port?: number };
  /**
   * An SFTP server over the report tree, standing in for isftp.alipay.com (needs dataDir): port (0 = free),
   * user and password (the simulator's secrets).
   */
  sftp?: { port?: number; user: string; password: string };
  /** An SMTP sink for buyer emails (port 0 = free), listed at /simulator/mail. */
  smtp?: { port?: number };
  /** Write state.json (default true when dataDir is set). */
  persist?: boolean;
}

export interface RunningSimulator {
  url: string;
  port: number;
  httpsUrl?: string;
  /** The SFTP port, when `sftp` was asked for. */
  sftpPort?: number;
  /** The SMTP sink, when `smtp` was asked for. */
  smtp?: RunningSmtpSink;
  publicKeyPem: string;
  ctx: SimContext;
  store: SimStore;
  clock: SimClock;
  /** Runs one scheduler pass now. */
  tick(): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function resolveSimulatorKey(opts: StartSimulatorOptions): KeyObject {
  if (opts.simulatorPrivateKeyPem) return loadPrivateKey(opts.simulatorPrivateKeyPem);
  if (opts.dataDir) return loadPrivateKey(ensureDevKeys(opts.dataDir).simulatorPrivateKeyPem);
  return createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

export async function startSimulator(opts: StartSimulatorOptions): Promise<RunningSimulator> {
  if (!opts.secret) throw new Error('startSimulator: a secret is required to guard the control API');
  const host = opts.host ?? '127.0.0.1';
  const simDir = opts.dataDir ? path.join(opts.dataDir, 'simulator') : undefined;
  const store = new SimStore(opts.persist === false ? undefined : simDir);
  const clock = new SimClock(store.state.clockOffsetMs);
  const privateKey = resolveSimulatorKey(opts);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const keyVersion = opts.simulatorKeyVersion ?? '1';
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('startSimulator: timeScale must be > 0');
  const notifier = new Notifier({ store, clock, timeScale, privateKey, keyVersion, attemptTimeoutMs: opts.notificationTimeoutMs ?? 10_000 });
  let baseUrl = opts.publicBaseUrl ?? '';
  const fees: FeeConfig = { rateBps: BigInt(opts.fees?.rateBps ?? 200), refundReturnsFee: opts.fees?.refundReturnsFee ?? false };
  const ctx: SimContext = {
    store,
    clock,
    notifier,
    publicBaseUrl: () => baseUrl,
    fees,
    hangMs: opts.hangMs ?? 20_000,
    processingDelaySeconds: opts.processingDelaySeconds ?? 5,
  };

  const fileClients = simDir && existsSync(path.join(simDir, 'clients.json'))
    ? (JSON.parse(readFileSync(path.join(simDir, 'clients.json'), 'utf8')) as SimulatorClientConfig[])
    : [];
  for (const c of [...fileClients, ...(opts.clients ?? [])]) registerClient(ctx, c);

  const reports = new ReportWriter(store, opts.dataDir, fees);
  const calls: CallLogEntry[] = [];
  let lastDay = gmt8Day(clock.now());
  const tick = (): void => {
    finalizeDuePayments(ctx);
    finalizeDueRefunds(ctx);
    notifier.tick();
    const today = gmt8Day(clock.now());
    if (today !== lastDay) {
      // A new GMT+8 day: drop yesterday's files, as Antom does on T+1.
      reports.generate(lastDay);
      lastDay = today;
    }
  };

  // Started before the HTTP server so /simulator/mail can list it from the first request.
  const smtpSink = opts.smtp ? await startSmtpSink({ port: opts.smtp.port ?? 0, host }) : undefined;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.local');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const route = async (): Promise<void> => {
      if (isAmsPath(url.pathname)) return handleAms(req, res, url.pathname, { ctx, privateKey, keyVersion, calls });
      if (url.pathname === '/simulator' || url.pathname.startsWith('/simulator/')) {
        return handleControl(req, res, url, { ctx, secret: opts.secret, publicKeyPem, reports, tick, ...(smtpSink ? { smtp: smtpSink } : {}) });
      }
      if (await handleWallet(req, res, url, ctx)) return;
      if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(homePage(ctx, calls));
        return;
      }
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found. The AMS API lives under /ams/api/v1/ and /ams/sandbox/api/v1/.');
    };
    route().catch((e: unknown) => {
      // Never a stack trace on the wire.
      log().error({ err: errorLine(e) }, 'simulator unhandled error');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal simulator error.');
    });
  };

  // A trickling client gets cut off after 30 s instead of holding a socket for Node's default 5 minutes.
  const server = createServer({ keepAliveTimeout: 30_000, requestTimeout: 30_000, headersTimeout: 15_000 }, handler);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  const port = await listen(server, opts.port ?? 4010, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  if (!baseUrl) baseUrl = url;

  let httpsServer: Server | undefined;
  let httpsUrl: string | undefined;
  if (opts.https) {
    const tls = selfSignedCertificate(['localhost', '127.0.0.1', host], opts.dataDir);
    httpsServer = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handler) as unknown as Server;
    const httpsPort = await listen(httpsServer, opts.https.port ?? 0, host);
    httpsUrl = `https://${urlHost}:${httpsPort}`;
  }

  let sftpServer: RunningSftpServer | undefined;
  if (opts.sftp) {
    if (!reports.dir) throw new Error('startSimulator: sftp needs a dataDir (the report tree it serves)');
    // Antom sets up a merchant's folder at onboarding: a fetch before the first report finds it empty, not missing.
    reports.ensureMerchantFolders();
    sftpServer = await startSftpServer({ root: reports.dir, port: opts.sftp.port ?? 0, host, user: opts.sftp.user, password: opts.sftp.password, keyDir: opts.dataDir ? path.join(opts.dataDir, 'keys') : undefined });
  }

  const timer = setInterval(tick, opts.tickMs ?? 20);
  timer.unref();

  return {
    url,
    port,
    ...(httpsUrl ? { httpsUrl } : {}),
    ...(sftpServer ? { sftpPort: sftpServer.port } : {}),
    ...(smtpSink ? { smtp: smtpSink } : {}),
    publicKeyPem,
    ctx,
    store,
    clock,
    tick,
    async close() {
      clearInterval(timer);
      await notifier.close();
      const closing = [server, httpsServer].filter((s): s is Server => s !== undefined).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      );
      await Promise.all([...closing, sftpServer?.close(), smtpSink?.close()]);
      store.state.clockOffsetMs = clock.offset;
      store.flush();
    },
  };
}
