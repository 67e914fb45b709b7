import { z } from 'zod';

/**
 * The one reader of process.env. Every variable is validated here once; a bad or missing one stops
 * start-up with one line per problem naming the variable and how to fix it (see .env.example).
 * An empty string counts as missing, so `FOO=` in a .env file does not silently pass.
 */

const emptyAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
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
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
  APP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be the http(s) address buyers and Antom reach the portal at, e.g. https://pay.example.com' }).default('http://localhost:3000')),
  AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)')),
  ADMIN_EMAIL: z.preprocess(emptyAsUndefined, z.email({ error: 'must be an email address' }).optional()),
  ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
  /** AES-256-GCM key for wallet tokens at rest, and the separate HMAC key for their blind index. */
  TOKEN_ENCRYPTION_KEY: base64Key32,
  TOKEN_INDEX_KEY: base64Key32,
  ALIPAY_GATEWAY_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: "must be Antom's gateway, e.g. https://open-sea-global.alipay.com (unset it to use the local simulator)" }).default('http://127.0.0.1:4010')),
  ALIPAY_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().default('DAIKOU_LOCAL')),
  ALIPAY_KEY_VERSION: z.preprocess(emptyAsUndefined, z.string().regex(/^\d+$/, 'must be a whole number').default('1')),
  ALIPAY_MERCHANT_PRIVATE_KEY: optionalString,
  ALIPAY_PUBLIC_KEY: optionalString,
  ALIPAY_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(120_000).default(15_000)),
  /** How long a buyer may take at the wallet before authState expires (RFC 9700 advice: minutes). */
  AUTH_STATE_TTL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).max(3600).default(600)),
  /**
   * Folder the reconciliation job reads Antom's report files from (a mirror of Antom's SFTP). Default: the
   * local simulator's drop folder, <DATA_DIR>/simulator/sftp.
   */
  RECON_DROP_DIR: optionalString,
  /** Largest report file staff may upload on the Reconciliation page, in MiB. */
  RECON_UPLOAD_MAX_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number of MiB').min(1).max(1024).default(100)),
  SIMULATOR_URL: optionalString,
  SIMULATOR_SECRET: optionalString,
  /**
   * Worker: run the job handlers inside the web process. Default: yes on the embedded PGlite (one opener,
   * so no separate worker can exist), no with DATABASE_URL (run `npm run worker` beside `npm start`).
   */
  WORKER_IN_PROCESS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
});

/** The validated configuration, with derived values resolved. */
export type Env = Omit<z.infer<typeof schema>, 'WORKER_IN_PROCESS'> & { WORKER_IN_PROCESS: boolean };

/** Thrown when the environment does not validate; `lines` holds one human-readable line per problem. */
export class EnvError extends Error {
  constructor(readonly lines: string[]) {
    super(`Invalid configuration:\n${lines.map((l) => `  - ${l}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'EnvError';
  }
}

/** Validates a raw environment; exported for tests and for the start-up scripts. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const result = schema.safeParse(raw);
  if (result.success) {
    const data = result.data;
    if (!data.DATABASE_URL && data.WORKER_IN_PROCESS === 'false') {
      throw new EnvError(['WORKER_IN_PROCESS=false needs DATABASE_URL: the embedded PGlite allows one process, so its jobs must run inside the web process (unset WORKER_IN_PROCESS)']);
    }
    return { ...data, WORKER_IN_PROCESS: data.WORKER_IN_PROCESS ? data.WORKER_IN_PROCESS === 'true' : !data.DATABASE_URL };
  }
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required but not set' : issue.message;
    return `${name} ${message}`;
  });
  throw new EnvError(lines);
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
