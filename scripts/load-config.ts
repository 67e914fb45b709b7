import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv as parseDotenv } from 'node:util';
import { keyFingerprint, loadPrivateKey, loadPublicKey } from '../lib/alipay/keys';
import { EnvError, gatewayConfigured, liveGatewayProblems, parseEnv, type Env } from '../lib/env';
import { ensureDevKeys } from '../lib/simulator/keys';

/**
 * The one way every script (dev, start, worker, migrate, seeds) gets its configuration, loaded once and
 * before any decision is made on it:
 *   1. `.env` beside package.json, if present; a variable set in the environment wins over the file
 *      (even when set empty, as `DATABASE_URL=` does to choose PGlite);
 *   2. local secrets generated once into <DATA_DIR>/secrets.json for whatever is still unset;
 *   3. the gateway: ALIPAY_GATEWAY_URL set (in either place) means Antom with the configured client id and
 *      keys, untouched; unset means the local simulator on SIMULATOR_PORT with the development keys under
 *      <DATA_DIR>/keys;
 *   4. validation by lib/env.ts, plus the keys themselves (parsed, so a pasted public key in the private
 *      slot stops the start instead of the first charge).
 * Nothing here touches process.env or exits; `applyToProcessEnv` and `loadConfigOrExit` do.
 */

export type ConfigSource = 'environment' | '.env' | 'generated' | 'simulator' | 'default';

export interface GatewaySummary {
  kind: 'antom' | 'simulator';
  url: string;
  clientId: string;
  keyVersion: string;
  /** `SHA256:…` of the merchant key pair's public half: compare with the key uploaded to Antom. */
  merchantKeyFingerprint: string;
  /** `SHA256:…` of the key Antom's answers and notifications are verified with. */
  antomKeyFingerprint: string;
  /** `SHA256:…` of the second Antom key during a rotation (ALIPAY_PUBLIC_KEY_2), if any. */
  antomKey2Fingerprint: string | null;
  /** Where ALIPAY_GATEWAY_URL came from. */
  source: ConfigSource;
}

export interface LoadedConfig {
  config: Env;
  /** The complete environment for this process and the ones it starts (Next, the worker). */
  raw: Record<string, string>;
  gateway: GatewaySummary;
  /** Absolute path of the .env file read, or null when there was none. */
  envFile: string | null;
  /** Where each variable the portal reads came from. */
  sources: Record<string, ConfigSource>;
  /** Things the operator should know (ignored variables, generated secrets); printed at start-up. */
  notices: string[];
}

export interface LoadConfigOptions {
  /** Forces NODE_ENV (dev: development, start: production). */
  mode?: 'development' | 'production';
  /** Folder holding .env and, unless DATA_DIR is absolute, the data folder. Default: process.cwd(). */
  cwd?: string;
  /** The process environment. Default: process.env. */
  environment?: Record<string, string | undefined>;
}

const GENERATED_SECRETS = ['AUTH_SECRET', 'TOKEN_ENCRYPTION_KEY', 'TOKEN_INDEX_KEY'] as const;
/** Antom's keys: meaningless against the simulator, which signs with its own development key. */
const GATEWAY_VARIABLES = ['ALIPAY_MERCHANT_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY', 'ALIPAY_PUBLIC_KEY_2', 'ALIPAY_PUBLIC_KEY_2_VERSION'] as const;

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const environment = options.environment ?? process.env;
  const notices: string[] = [];
  const sources: Record<string, ConfigSource> = {};
  const raw: Record<string, string> = {};

  const envPath = path.join(cwd, '.env');
  const envFile = existsSync(envPath) ? envPath : null;
  if (envFile) {
    for (const [name, value] of Object.entries(parseDotenv(readFileSync(envFile, 'utf8')))) {
      if (value === undefined) continue;
      raw[name] = value;
      sources[name] = '.env';
    }
  }
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) continue;
    raw[name] = value;
    sources[name] = 'environment';
  }
  if (options.mode) raw.NODE_ENV = options.mode;

  const shadowed = shadowedEnvFiles(cwd);
  if (shadowed.length > 0) throw new EnvError(shadowed);

  const dataDir = path.resolve(cwd, raw.DATA_DIR?.trim() || '.data');
  const live = gatewayConfigured(raw);
  // Live mode never generates secrets (liveGatewayProblems names each missing one); local runs get them once.
  if (!live) {
    const names = [...GENERATED_SECRETS, 'SIMULATOR_SECRET'].filter((name) => name !== 'TOKEN_ENCRYPTION_KEY' || !raw.TOKEN_ENCRYPTION_KEYS?.trim());
    generateMissingSecrets(raw, sources, dataDir, names, notices);
  }
  raw.DAIKOU_GATEWAY_MODE = live ? 'antom' : 'simulator';

  if (!live) {
    // Validate the rest first: the simulator's port comes from it.
    const settings = parseEnv(raw);
    for (const name of GATEWAY_VARIABLES) {
      if (raw[name]?.trim()) notices.push(`${name} is set but ALIPAY_GATEWAY_URL is not: it is ignored, the local simulator's development key is used instead.`);
    }
    delete raw.ALIPAY_PUBLIC_KEY_2;
    delete raw.ALIPAY_PUBLIC_KEY_2_VERSION;
    const keys = ensureDevKeys(dataDir);
    raw.ALIPAY_GATEWAY_URL = `http://127.0.0.1:${settings.SIMULATOR_PORT}`;
    raw.ALIPAY_CLIENT_ID = settings.ALIPAY_CLIENT_ID;
    raw.ALIPAY_MERCHANT_PRIVATE_KEY = keys.merchantPrivateKeyPem;
    raw.ALIPAY_PUBLIC_KEY = keys.simulatorPublicKeyPem;
    for (const name of ['ALIPAY_GATEWAY_URL', 'ALIPAY_MERCHANT_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'] as const) sources[name] = 'simulator';
    sources.ALIPAY_CLIENT_ID ??= 'default';
  }

  // Every problem at once: the gateway's missing pieces and whatever else lib/env.ts finds.
  const missing = liveGatewayProblems(raw);
  let config: Env;
  try {
    config = parseEnv(raw);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    // One line per missing variable: the live-mode line already names what parseEnv would call "required".
    const named = new Set(missing.map((line) => line.split(' ')[0]));
    throw new EnvError([...missing, ...error.lines.filter((line) => !named.has(line.split(' ')[0]!))]);
  }
  if (missing.length > 0) throw new EnvError(missing);
  const fingerprints = gatewayFingerprints(config);
  return {
    config,
    raw,
    envFile,
    sources,
    notices,
    gateway: {
      kind: live ? 'antom' : 'simulator',
      url: config.ALIPAY_GATEWAY_URL,
      clientId: config.ALIPAY_CLIENT_ID,
      keyVersion: config.ALIPAY_KEY_VERSION,
      ...fingerprints,
      source: sources.ALIPAY_GATEWAY_URL ?? 'default',
    },
  };
}

/** Start-up lines naming the gateway, client id and key fingerprints in use (never key material). */
export function describeGateway(loaded: LoadedConfig): string[] {
  const g = loaded.gateway;
  const lines = [
    loaded.envFile ? `[daikou] configuration: ${loaded.envFile} and the environment (the environment wins)` : '[daikou] configuration: the environment (no .env file)',
  ];
  if (g.kind === 'simulator') {
    lines.push(
      `[daikou] NO ANTOM GATEWAY CONFIGURED: payments go to the LOCAL SIMULATOR at ${g.url}; no real wallet is charged.`,
      '[daikou]   To go live set ALIPAY_GATEWAY_URL, ALIPAY_CLIENT_ID and both keys (README.md, "Going live").',
    );
  } else {
    lines.push(`[daikou] Antom gateway: ${g.url} (ALIPAY_GATEWAY_URL from ${g.source === '.env' ? '.env' : 'the environment'})`);
  }
  lines.push(
    `[daikou]   client id ${g.clientId}, key version ${g.keyVersion}`,
    `[daikou]   merchant private key ${g.merchantKeyFingerprint} (its public half must be the one uploaded to Antom)`,
    `[daikou]   Antom public key     ${g.antomKeyFingerprint} (keyVersion ${loaded.config.ALIPAY_PUBLIC_KEY_VERSION})`,
  );
  if (g.antomKey2Fingerprint) lines.push(`[daikou]   Antom public key 2   ${g.antomKey2Fingerprint} (keyVersion ${loaded.config.ALIPAY_PUBLIC_KEY_2_VERSION}, rotation)`);
  return [...lines, ...loaded.notices.map((notice) => `[daikou] note: ${notice}`)];
}

/** Makes the loaded configuration this process's environment, for scripts that run portal code in-process. */
export function applyToProcessEnv(loaded: LoadedConfig): void {
  Object.assign(process.env, loaded.raw);
}

/** loadConfig for the scripts: a bad configuration prints one line per problem and exits with status 1. */
export function loadConfigOrExit(options: LoadConfigOptions = {}): LoadedConfig {
  try {
    return loadConfig(options);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Next reads `.env.local`, `.env.<mode>` and `.env.<mode>.local` by itself; the start-up scripts read only
 * `.env`. An ALIPAY_* variable in one of those files would be silently ignored — production would run on the
 * simulator — so it is an error that names the file.
 */
const NEXT_ENV_FILES = ['.env.local', '.env.development', '.env.development.local', '.env.production', '.env.production.local', '.env.test', '.env.test.local'];

export function shadowedEnvFiles(cwd: string): string[] {
  const problems: string[] = [];
  for (const name of NEXT_ENV_FILES) {
    const file = path.join(cwd, name);
    if (!existsSync(file)) continue;
    const alipay = Object.keys(parseDotenv(readFileSync(file, 'utf8'))).filter((key) => key.startsWith('ALIPAY_'));
    if (alipay.length > 0) {
      problems.push(`${file} sets ${alipay.join(', ')}, but Daikou reads only .env and the environment (Next would read ${name}, the start-up scripts do not, and payments would silently go to the simulator): move ${alipay.length === 1 ? 'it' : 'them'} to .env`);
    }
  }
  return problems;
}

function generateMissingSecrets(raw: Record<string, string>, sources: Record<string, ConfigSource>, dataDir: string, names: readonly string[], notices: string[]): void {
  const missing = names.filter((name) => !raw[name]?.trim());
  if (missing.length === 0) return;
  mkdirSync(dataDir, { recursive: true });
  const secretsFile = path.join(dataDir, 'secrets.json');
  const secrets: Record<string, string> = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
  let changed = false;
  for (const name of missing) {
    if (!secrets[name]) {
      secrets[name] = randomBytes(32).toString('base64');
      changed = true;
    }
    raw[name] = secrets[name];
    sources[name] = 'generated';
  }
  if (changed) writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  notices.push(`${missing.join(', ')} ${missing.length === 1 ? 'comes' : 'come'} from ${secretsFile} (generated locally; set them in the environment for a real deployment)`);
}

/** Parses both keys (the errors name the variable and never echo key material) and fingerprints them. */
function gatewayFingerprints(config: Env): { merchantKeyFingerprint: string; antomKeyFingerprint: string; antomKey2Fingerprint: string | null } {
  const problems: string[] = [];
  const fingerprint = (name: 'ALIPAY_MERCHANT_PRIVATE_KEY' | 'ALIPAY_PUBLIC_KEY', load: (text: string) => Parameters<typeof keyFingerprint>[0]) => {
    try {
      return keyFingerprint(load(config[name] ?? ''));
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return '';
    }
  };
  const merchantKeyFingerprint = fingerprint('ALIPAY_MERCHANT_PRIVATE_KEY', loadPrivateKey);
  const antomKeyFingerprint = fingerprint('ALIPAY_PUBLIC_KEY', loadPublicKey);
  // lib/env.ts has already checked that the second key parses.
  const antomKey2Fingerprint = config.ALIPAY_PUBLIC_KEY_2 ? keyFingerprint(loadPublicKey(config.ALIPAY_PUBLIC_KEY_2)) : null;
  if (problems.length > 0) throw new EnvError(problems);
  return { merchantKeyFingerprint, antomKeyFingerprint, antomKey2Fingerprint };
}
