import { z } from 'zod';
import { loadPublicKey } from '@/lib/alipay/keys';
import { parseKeyring } from '@/lib/crypto/token-vault';
import { DEFAULT_POOL_SIZE } from '@/lib/db/pool-size';

/**
 * The one reader of process.env. Every variable is validated here once; a bad or missing one stops
 * start-up with one line per problem naming the variable and how to fix it (see .env.example).
 * An empty string counts as missing, so `FOO=` in a .env file does not silently pass.
 */

const emptyAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const port = (hint: string) => {
  const message = `must be a port number from 1 to 65535${hint}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(65_535, message);
};
const base64Key32 = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)'),
);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** PostgreSQL connection string; unset means the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a PostgreSQL URL such as postgres://user@127.0.0.1:5432/daikou (unset it to use the embedded PGlite)' }).optional(),
  ),
  /** PostgreSQL connections each pool opens at most: getDatabase's and the notification fast path's (lib/db/pool-size.ts: why few). */
  DATABASE_POOL_SIZE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(DEFAULT_POOL_SIZE)),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
  APP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be the http(s) address buyers and Antom reach the portal at, e.g. https://pay.example.com' }).default('http://localhost:3000')),
  /** Port `npm run dev` / `npm start` listen on; unset means APP_URL's port (3000 when it has none). */
  PORT: z.preprocess(emptyAsUndefined, port(', or unset it to use the port of APP_URL').optional()),
  /**
   * Next's build folder (next.config.mjs reads it directly: the config file cannot import TypeScript).
   * A second folder lets a build run beside a server using the first. Relative to the project.
   */
  NEXT_DIST_DIR: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => !v.startsWith('/') && !v.split(/[\\/]/).includes('..'), 'must be a folder inside the project, e.g. .next-e2e (no absolute path, no ..)')
      .default('.next'),
  ),
  AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)')),
  ADMIN_EMAIL: z.preprocess(emptyAsUndefined, z.email({ error: 'must be an email address' }).optional()),
  ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
  /** AES-256-GCM key for wallet tokens at rest (key version 1), and the separate HMAC key for their blind index. */
  TOKEN_ENCRYPTION_KEY: z.preprocess(emptyAsUndefined, z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)').optional()),
  /**
   * The keyring that rotates TOKEN_ENCRYPTION_KEY: `<version>:<base64 key>` entries, newest first. New seals
   * use the newest; older ones still open; the re-seal job moves them to the newest. Replaces TOKEN_ENCRYPTION_KEY.
   */
  TOKEN_ENCRYPTION_KEYS: optionalString,
  TOKEN_INDEX_KEY: base64Key32,
  /** Set by the start-up scripts (never by hand): `antom` with a configured gateway, `simulator` otherwise. */
  DAIKOU_GATEWAY_MODE: z.preprocess(emptyAsUndefined, z.enum(['antom', 'simulator']).optional()),
  ALIPAY_GATEWAY_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: "must be Antom's gateway, e.g. https://open-sea-global.alipay.com (unset it to use the local simulator)" }).default('http://127.0.0.1:4010')),
  ALIPAY_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().default('DAIKOU_LOCAL')),
  ALIPAY_KEY_VERSION: z.preprocess(emptyAsUndefined, z.string().regex(/^\d+$/, 'must be a whole number').default('1')),
  ALIPAY_MERCHANT_PRIVATE_KEY: optionalString,
  ALIPAY_PUBLIC_KEY: optionalString,
  /** keyVersion Antom signs notifications with under ALIPAY_PUBLIC_KEY. */
  ALIPAY_PUBLIC_KEY_VERSION: z.preprocess(emptyAsUndefined, z.string().regex(/^\d+$/, 'must be a whole number').default('1')),
  /**
   * Key rotation without downtime: Antom's second public key and its keyVersion, accepted beside the first
   * until the old one is retired. Both or neither.
   */
  ALIPAY_PUBLIC_KEY_2: optionalString,
  ALIPAY_PUBLIC_KEY_2_VERSION: z.preprocess(emptyAsUndefined, z.string().regex(/^\d+$/, 'must be a whole number').optional()),
  ALIPAY_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(120_000).default(15_000)),
  /** Pay calls a billing run keeps in flight at once, per worker (lib/schedules/run-billing.ts). */
  BILLING_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(32)),
  /** How long a buyer may take at the wallet before authState expires (RFC 9700 advice: minutes). */
  AUTH_STATE_TTL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).max(3600).default(600)),
  /** The local simulator, used only while ALIPAY_GATEWAY_URL is unset (it then becomes the gateway). */
  SIMULATOR_PORT: z.preprocess(emptyAsUndefined, port('').default(4010)),
  /** Multiplies the simulator's notification resend schedule (0.001 = a thousand times faster). */
  SIMULATOR_TIME_SCALE: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: 'must be a number such as 1 (real time) or 0.001' }).positive('must be above 0, e.g. 0.001 for a thousand times faster').max(1000, 'must be at most 1000').default(1),
  ),
  /**
   * Buyer return without a signed AUTHCODE_CREATED pairing yet: wait this long for it before deciding
   * (AUTH_REQUIRE_NOTIFICATION). The notification usually precedes the browser redirect.
   */
  AUTH_RETURN_WAIT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(20_000).default(3000)),
  /**
   * true: an authCode is only ever exchanged once Antom's signed notification paired it with the authState;
   * a return that arrives first shows "confirming" and the notification completes the agreement.
   * false (default): after the wait, exchange the code from the URL, but only if no other agreement holds it.
   */
  AUTH_REQUIRE_NOTIFICATION: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false').transform((v) => v === 'true')),
  /**
   * Reverse proxies in front of the portal that append to X-Forwarded-For. 0 (default): the socket address
   * is the client and X-Forwarded-For is ignored; n: the n-th entry from the right is the client.
   */
  TRUSTED_PROXY_HOPS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  /**
   * Where buyer forms may lead (CSP form-action on /authorize/*), besides our origin and the gateway's:
   * the wallets' https origins and app schemes, space-separated, e.g. "https://m.gcash.com gcash:".
   */
  BUYER_WALLET_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(https:\/\/[a-z0-9.-]+(:\d+)?|[a-z][a-z0-9+.-]*:)$/, 'must be space-separated https origins or app schemes, e.g. "https://m.gcash.com gcash:"'))),
  ),
  /**
   * Folder the reconciliation job reads Antom's report files from (a mirror of Antom's SFTP). Default: the
   * local simulator's drop folder, <DATA_DIR>/simulator/sftp.
   */
  RECON_DROP_DIR: optionalString,
  /**
   * The merchant ID Antom assigned (customerId in report files, the <merchantId> folder on its SFTP), not
   * the API client ID. Unset with the local simulator: the simulator's ID for ALIPAY_CLIENT_ID.
   */
  ANTOM_MERCHANT_ID: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the merchant ID Antom assigned, e.g. 1022188000000000001').optional()),
  /** Antom's SFTP server for report files (isftp.alipay.com in production); unset = no SFTP fetching. */
  ANTOM_SFTP_HOST: optionalString,
  ANTOM_SFTP_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(22)),
  ANTOM_SFTP_USER: optionalString,
  ANTOM_SFTP_PASSWORD: optionalString,
  /** A private key (PEM text) instead of, or beside, the password. */
  ANTOM_SFTP_PRIVATE_KEY: optionalString,
  /** Largest report file the SFTP fetcher downloads, in MiB. */
  ANTOM_SFTP_MAX_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(4096).default(512)),
  /** Largest report file staff may upload on the Reconciliation page, in MiB. */
  RECON_UPLOAD_MAX_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number of MiB').min(1).max(1024).default(100)),
  SIMULATOR_SECRET: optionalString,
  /**
   * The local simulator's SFTP server (report files, isftp.alipay.com's stand-in), started by `npm run dev` /
   * `npm start` beside it. Default: SIMULATOR_PORT + 1. In simulator mode ANTOM_SFTP_* default to it.
   */
  SIMULATOR_SFTP_PORT: z.preprocess(emptyAsUndefined, port('').optional()),
  SIMULATOR_SFTP_USER: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . -').default('daikou')),
  /** Default: SIMULATOR_SECRET. */
  SIMULATOR_SFTP_PASSWORD: optionalString,
  /**
   * The local simulator's SMTP sink (buyer emails land there, listed at /simulator/mail; nothing leaves the
   * machine), started beside it by `npm run dev` / `npm start`. Default: SIMULATOR_PORT + 3.
   */
  SIMULATOR_SMTP_PORT: z.preprocess(emptyAsUndefined, port('').optional()),
  /**
   * Where buyer emails (schedule reminders, receipts, failed payments) are sent: smtp://user:pass@host:587 or
   * smtps://… (nodemailer). Unset: in simulator mode the simulator's SMTP sink; against a real gateway no email
   * is sent (each one is recorded as skipped).
   */
  SMTP_URL: z.preprocess(emptyAsUndefined, z.url().refine((u) => /^smtps?:\/\//.test(u), 'must start with smtp:// or smtps://').optional()),
  /** The From of buyer emails. */
  SMTP_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).max(200).default('Daikou <no-reply@daikou.local>')),
  /**
   * POST requests one client address may make per second, sustained, to anything but Antom's notify URLs
   * (a token bucket in front of every form, action and buyer route, before any work; the burst is 20 times
   * this). Sized for carrier-grade NAT: 500 buyers behind one address starting an authorization in the same
   * 10 minutes are under 2 per second. 0 turns the bucket off.
   */
  POST_RATE_PER_ADDRESS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(100_000).default(5)),
  /**
   * Notifications one address may have refused before verification (bad signature, too large, not UTF-8)
   * before it is answered 429 unread: a burst of this many, refilled one every 3 seconds. Verified deliveries
   * take nothing, so Antom is never slowed. Raised only by load and fuzz tests that refuse many on purpose.
   */
  NOTIFICATION_REJECTION_BURST: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000_000).default(20)),
  /**
   * Days a notification refused before verification (bad signature, too large, not UTF-8) is kept as its
   * bounded, aggregated record; a job deletes older ones every hour. Verified deliveries are not affected.
   */
  NOTIFICATION_REJECTED_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number of days').min(1).max(400).default(7)),
  /**
   * Worker: run the job handlers inside the web process. Default: yes on the embedded PGlite (one opener,
   * so no separate worker can exist), no with DATABASE_URL (run `npm run worker` beside `npm start`).
   */
  WORKER_IN_PROCESS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
  // --- Operations (issue 24): shutdown, job workers, metrics, logs ---
  /**
   * SIGTERM: seconds the web process and the worker take to finish in-flight requests and jobs (taking no
   * new ones) before exiting. Jobs still running then are handed back to the queue. Keep it under the
   * orchestrator's kill timeout (Kubernetes: terminationGracePeriodSeconds, 30).
   */
  SHUTDOWN_GRACE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number of seconds').min(1).max(600).default(25)),
  /** The production server's deadline for a whole request, headers and body (slow-loris): later, a typed 408. */
  REQUEST_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number of seconds').min(1).max(600).default(30)),
  /** Jobs of one queue a worker runs at once (1–50). */
  JOB_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(1).max(50).default(1)),
  /**
   * Seconds between the job queue's maintenance runs, which hand the job of a worker that died mid-run
   * (its lease ran out) to another worker. pg-boss's default; lower only for tests.
   */
  JOB_MAINTENANCE_INTERVAL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number of seconds').min(1).max(3600).default(120)),
  /** Bearer token for GET /api/metrics (Prometheus); unset = the endpoint answers 404. At least 24 characters. */
  // The reliability suite's crash switch (lib/faults/fault-point.ts): never set it in production.
  FAULT_POINT: z.preprocess(emptyAsUndefined, z.string().max(100).optional()),
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(24, 'must be at least 24 characters (openssl rand -hex 24)').optional()),
  /** Log level of the JSON logs (pino): fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** Merchant API (/api/v1): requests per second one API key may make, sustained (per process), and its burst. */
  API_RATE_PER_SECOND: z.preprocess(emptyAsUndefined, z.coerce.number().min(0.1).max(100_000).default(25)),
  API_RATE_BURST: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(100)),
});

/** Every variable lib/env.ts reads (the .env.example test keeps the two lists equal). */
export const ENV_VARIABLES = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

/** The validated configuration, with derived values resolved. */
export type Env = Omit<z.infer<typeof schema>, 'WORKER_IN_PROCESS' | 'SIMULATOR_SFTP_PORT' | 'SIMULATOR_SMTP_PORT'> & { WORKER_IN_PROCESS: boolean; SIMULATOR_SFTP_PORT: number; SIMULATOR_SMTP_PORT: number };

/** Thrown when the environment does not validate; `lines` holds one human-readable line per problem. */
export class EnvError extends Error {
  constructor(readonly lines: string[]) {
    super(`Invalid configuration:\n${lines.map((l) => `  - ${l}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'EnvError';
  }
}

/**
 * True when the environment names a real gateway. Only then are payments sent to Antom; otherwise the
 * start-up scripts run the local simulator and point ALIPAY_GATEWAY_URL at it.
 */
export function gatewayConfigured(raw: Record<string, string | undefined>): boolean {
  return emptyAsUndefined(raw.ALIPAY_GATEWAY_URL) !== undefined;
}

/**
 * What going live needs besides the URL, checked by the start-up scripts (scripts/load-config.ts) before
 * anything starts: a gateway with the simulator's default client id or without keys would fail on the
 * first call, or worse, look live. Not part of parseEnv, so code that only reads other variables (tests
 * of one module) need not invent keys.
 */
export function liveGatewayProblems(raw: Record<string, string | undefined>): string[] {
  if (!gatewayConfigured(raw)) return [];
  const gateway = (['ALIPAY_CLIENT_ID', 'ALIPAY_MERCHANT_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'] as const)
    .filter((name) => emptyAsUndefined(raw[name]) === undefined)
    .map((name) => `${name} is required when ALIPAY_GATEWAY_URL is set (see "Going live" in README.md; unset ALIPAY_GATEWAY_URL to use the local simulator)`);
  return [...gateway, ...liveSecretProblems(raw)];
}

/**
 * Live mode is strict about the secrets that protect data at rest and sessions: they must come from the
 * environment or .env, never be generated into the data folder — a redeploy with a fresh data folder would
 * make every sealed token unreadable and sign every staff member out.
 */
export function liveSecretProblems(raw: Record<string, string | undefined>): string[] {
  if (!gatewayConfigured(raw)) return [];
  const why = 'must be set in the environment or .env when ALIPAY_GATEWAY_URL is set (live mode never generates it into the data folder: a redeploy with a fresh folder would lose it)';
  const problems: string[] = [];
  if (emptyAsUndefined(raw.AUTH_SECRET) === undefined) problems.push(`AUTH_SECRET ${why}`);
  if (emptyAsUndefined(raw.TOKEN_ENCRYPTION_KEY) === undefined && emptyAsUndefined(raw.TOKEN_ENCRYPTION_KEYS) === undefined) problems.push(`TOKEN_ENCRYPTION_KEY (or TOKEN_ENCRYPTION_KEYS) ${why}`);
  if (emptyAsUndefined(raw.TOKEN_INDEX_KEY) === undefined) problems.push(`TOKEN_INDEX_KEY ${why}`);
  return problems;
}

/** Validates a raw environment; exported for tests and for the start-up scripts. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const result = schema.safeParse(raw);
  if (result.success) {
    const data = result.data;
    const problems: string[] = [];
    const rotation = [...tokenKeyProblems(data), ...rotationProblems(data)];
    if (rotation.length > 0) throw new EnvError(rotation);
    if (!data.DATABASE_URL && data.WORKER_IN_PROCESS === 'false') {
      problems.push('WORKER_IN_PROCESS=false needs DATABASE_URL: the embedded PGlite allows one process, so its jobs must run inside the web process (unset WORKER_IN_PROCESS)');
    }
    if (data.ANTOM_SFTP_HOST && !data.ANTOM_SFTP_USER) problems.push('ANTOM_SFTP_USER is required with ANTOM_SFTP_HOST (the SFTP user Antom support gave you)');
    if (data.ANTOM_SFTP_HOST && !data.ANTOM_SFTP_PASSWORD && !data.ANTOM_SFTP_PRIVATE_KEY) problems.push('ANTOM_SFTP_PASSWORD or ANTOM_SFTP_PRIVATE_KEY is required with ANTOM_SFTP_HOST');
    const sftp = simulatorSftp(data, raw, problems);
    const smtp = simulatorSmtp(data, problems);
    if (problems.length > 0) throw new EnvError(problems);
    return { ...data, ...sftp, ...smtp, WORKER_IN_PROCESS: data.WORKER_IN_PROCESS ? data.WORKER_IN_PROCESS === 'true' : !data.DATABASE_URL };
  }
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    // Zod 4 leaves issue.input out, so "missing" is decided from the raw value itself.
    const missing = issue.code === 'invalid_type' && emptyAsUndefined(raw[String(issue.path[0])]) === undefined;
    const message = missing ? 'is required but not set' : issue.message;
    return `${name} ${message}`;
  });
  throw new EnvError(lines);
}

/**
 * The simulator's SFTP port (SIMULATOR_SFTP_PORT, default SIMULATOR_PORT + 1) and, in simulator mode
 * (DAIKOU_GATEWAY_MODE=simulator, set by the start-up scripts) with ANTOM_SFTP_HOST unset, the ANTOM_SFTP_*
 * settings pointing at it — so the SFTP fetch job works out of the box against the local simulator.
 * Settings given explicitly always win; nothing is defaulted against a real gateway.
 */
function simulatorSftp(data: z.infer<typeof schema>, raw: Record<string, string | undefined>, problems: string[]) {
  const sftpPort = data.SIMULATOR_SFTP_PORT ?? data.SIMULATOR_PORT + 1;
  if (sftpPort > 65535) problems.push(`SIMULATOR_SFTP_PORT defaults to SIMULATOR_PORT + 1 = ${sftpPort}, which is no port: set SIMULATOR_SFTP_PORT`);
  if (sftpPort === data.SIMULATOR_PORT) problems.push(`SIMULATOR_SFTP_PORT must differ from SIMULATOR_PORT (${data.SIMULATOR_PORT}): the simulator's HTTP server listens there`);
  const out: Pick<Env, 'SIMULATOR_SFTP_PORT'> & Partial<Pick<Env, 'ANTOM_SFTP_HOST' | 'ANTOM_SFTP_PORT' | 'ANTOM_SFTP_USER' | 'ANTOM_SFTP_PASSWORD'>> = { SIMULATOR_SFTP_PORT: sftpPort };
  const password = data.SIMULATOR_SFTP_PASSWORD ?? data.SIMULATOR_SECRET;
  if (data.DAIKOU_GATEWAY_MODE === 'simulator' && !data.ANTOM_SFTP_HOST && password) {
    out.ANTOM_SFTP_HOST = '127.0.0.1';
    out.ANTOM_SFTP_PORT = emptyAsUndefined(raw.ANTOM_SFTP_PORT) === undefined ? sftpPort : data.ANTOM_SFTP_PORT;
    out.ANTOM_SFTP_USER = data.ANTOM_SFTP_USER ?? data.SIMULATOR_SFTP_USER;
    if (!data.ANTOM_SFTP_PRIVATE_KEY) out.ANTOM_SFTP_PASSWORD = data.ANTOM_SFTP_PASSWORD ?? password;
  }
  return out;
}

/**
 * The simulator's SMTP sink port (SIMULATOR_SMTP_PORT, default SIMULATOR_PORT + 3) and, in simulator mode with
 * SMTP_URL unset, SMTP_URL pointing at it, so buyer emails land in the local sink out of the box.
 */
function simulatorSmtp(data: z.infer<typeof schema>, problems: string[]): Pick<Env, 'SIMULATOR_SMTP_PORT' | 'SMTP_URL'> {
  const smtpPort = data.SIMULATOR_SMTP_PORT ?? data.SIMULATOR_PORT + 3;
  if (smtpPort > 65535) problems.push(`SIMULATOR_SMTP_PORT defaults to SIMULATOR_PORT + 3 = ${smtpPort}, which is no port: set SIMULATOR_SMTP_PORT`);
  if (smtpPort === data.SIMULATOR_PORT) problems.push(`SIMULATOR_SMTP_PORT must differ from SIMULATOR_PORT (${data.SIMULATOR_PORT}): the simulator's HTTP server listens there`);
  const url = data.SMTP_URL ?? (data.DAIKOU_GATEWAY_MODE === 'simulator' ? `smtp://127.0.0.1:${smtpPort}` : undefined);
  return { SIMULATOR_SMTP_PORT: smtpPort, SMTP_URL: url };
}

/** One encryption key setting: the keyring, or the single key (version 1); a keyring must parse. */
function tokenKeyProblems(data: z.infer<typeof schema>): string[] {
  if (data.TOKEN_ENCRYPTION_KEYS && data.TOKEN_ENCRYPTION_KEY) {
    return ['TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_KEYS are both set: put the old key into the keyring (e.g. TOKEN_ENCRYPTION_KEYS="2:<new>,1:<old>") and unset TOKEN_ENCRYPTION_KEY'];
  }
  if (!data.TOKEN_ENCRYPTION_KEYS && !data.TOKEN_ENCRYPTION_KEY) return ['TOKEN_ENCRYPTION_KEY is required but not set (or TOKEN_ENCRYPTION_KEYS, the keyring)'];
  if (data.TOKEN_ENCRYPTION_KEYS) {
    try {
      parseKeyring(data.TOKEN_ENCRYPTION_KEYS);
    } catch (error) {
      return [(error as Error).message];
    }
  }
  return [];
}

/** The keyring of TOKEN_ENCRYPTION_KEYS, or TOKEN_ENCRYPTION_KEY as version 1: `<version>:<key>` entries, newest first. */
export function tokenKeyring(config: Pick<Env, 'TOKEN_ENCRYPTION_KEY' | 'TOKEN_ENCRYPTION_KEYS'>): string {
  return config.TOKEN_ENCRYPTION_KEYS ?? `1:${config.TOKEN_ENCRYPTION_KEY ?? ''}`;
}

/** Whether payments go to Antom or to the local simulator (the start-up scripts decide; a loopback gateway is the simulator). */
export function gatewayMode(config: Pick<Env, 'DAIKOU_GATEWAY_MODE' | 'ALIPAY_GATEWAY_URL'>): 'antom' | 'simulator' {
  if (config.DAIKOU_GATEWAY_MODE) return config.DAIKOU_GATEWAY_MODE;
  const host = new URL(config.ALIPAY_GATEWAY_URL).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' ? 'simulator' : 'antom';
}

/** The second Antom key must come with its own, different keyVersion, and parse as a public key. */
function rotationProblems(data: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (data.ALIPAY_PUBLIC_KEY_2 && !data.ALIPAY_PUBLIC_KEY_2_VERSION) problems.push('ALIPAY_PUBLIC_KEY_2_VERSION is required with ALIPAY_PUBLIC_KEY_2 (the keyVersion Antom announced for the new key)');
  if (!data.ALIPAY_PUBLIC_KEY_2 && data.ALIPAY_PUBLIC_KEY_2_VERSION) problems.push('ALIPAY_PUBLIC_KEY_2 is required with ALIPAY_PUBLIC_KEY_2_VERSION (or unset both)');
  if (data.ALIPAY_PUBLIC_KEY_2 && data.ALIPAY_PUBLIC_KEY_2_VERSION === data.ALIPAY_PUBLIC_KEY_VERSION) {
    problems.push(`ALIPAY_PUBLIC_KEY_2_VERSION must differ from ALIPAY_PUBLIC_KEY_VERSION (both are ${data.ALIPAY_PUBLIC_KEY_VERSION}); notifications name the key by version`);
  }
  if (data.ALIPAY_PUBLIC_KEY_2) {
    try {
      loadPublicKey(data.ALIPAY_PUBLIC_KEY_2);
    } catch (error) {
      problems.push(`ALIPAY_PUBLIC_KEY_2 is not a usable public key: ${(error as Error).message}`);
    }
  }
  return problems;
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * The log settings alone, read without validating the rest (the simulator and scripts log before, or
 * without, a full portal configuration). A bad LOG_LEVEL falls back to info here; env() reports it.
 */
export function logSettings(): { level: z.infer<typeof schema.shape.LOG_LEVEL>; pretty: boolean } {
  const level = schema.shape.LOG_LEVEL.safeParse(process.env.LOG_LEVEL);
  return { level: level.success ? level.data : 'info', pretty: process.env.NODE_ENV === 'development' };
}

/**
 * FAULT_POINT alone, read once without validating the rest (lib/faults/fault-point.ts reads it at load, so an
 * unset variable costs nothing afterwards). undefined when unset or empty.
 */
export function faultPointSetting(): string | undefined {
  return process.env.FAULT_POINT || undefined;
}
