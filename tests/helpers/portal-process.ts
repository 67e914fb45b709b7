import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PaymentWorld } from './payment-world';

const ROOT = path.resolve(__dirname, '..', '..');

/** A real portal process (`scripts/worker.ts`, …) started by a test, with its output captured. */
export interface PortalProcess {
  child: ChildProcess;
  /** Every line it wrote to stdout and stderr so far. */
  lines(): string[];
  /** Resolves with the exit code (or the signal's name) when it ends. */
  exited: Promise<number | string>;
}

/** The configuration a portal process needs to run against a PaymentWorld's database and simulator (live mode). */
export function worldEnvironment(world: PaymentWorld, extra: Record<string, string> = {}): Record<string, string> {
  if (!world.database.url) throw new Error('a portal process needs PostgreSQL');
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'daikou-proc-')),
    DATABASE_URL: world.database.url,
    ALIPAY_GATEWAY_URL: world.sim.simulator.url,
    ALIPAY_CLIENT_ID: world.sim.clientId,
    ALIPAY_MERCHANT_PRIVATE_KEY: world.sim.keys.merchantPrivateKeyPem,
    ALIPAY_PUBLIC_KEY: world.sim.keys.simulatorPublicKeyPem,
    AUTH_SECRET: randomBytes(32).toString('base64'),
    TOKEN_ENCRYPTION_KEY: world.vaultKeys.encryption,
    TOKEN_INDEX_KEY: world.vaultKeys.index,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export function startPortalProcess(script: string, environment: Record<string, string>, args: string[] = []): PortalProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: environment as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.length > 0));
    });
  }
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, lines: () => lines, exited };
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A TCP port free right now on 127.0.0.1 (for a process the test starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
