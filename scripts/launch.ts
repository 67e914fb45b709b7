import { spawn, spawnSync } from 'node:child_process';
import { log, setProcessLogName } from '../lib/log';
import { createRequire } from 'node:module';
import type { Env } from '../lib/env';
import { describeGateway, loadConfigOrExit, type LoadedConfig } from './load-config';
import { startLocalSimulator } from './local-simulator';
import { prepareRuntime } from './prepare-runtime';

type StartSimulator = (config: Env) => Promise<{ close: () => Promise<void> }>;

/**
 * The gateway decision, made on the loaded configuration (.env included): the local simulator starts only
 * when no gateway is configured; otherwise nothing starts and the configured URL and keys stay as they are.
 * Returns how to stop what was started.
 */
export async function startGateway(loaded: LoadedConfig, startSimulator: StartSimulator = startLocalSimulator): Promise<() => Promise<void>> {
  if (loaded.gateway.kind !== 'simulator') return async () => {};
  const simulator = await startSimulator(loaded.config);
  return () => simulator.close();
}

/** The port Next listens on: PORT, else APP_URL's port, else 3000. */
export function listenPort(config: Env): string {
  return String(config.PORT ?? (new URL(config.APP_URL).port || '3000'));
}

/** Loads the configuration, prepares the database, starts the local simulator when needed, runs Next. */
export async function launch(mode: 'development' | 'production'): Promise<void> {
  const loaded = loadConfigOrExit({ mode });
  // JSON logs in production, pretty ones under `npm run dev` (lib/log).
  Object.assign(process.env, { NODE_ENV: loaded.config.NODE_ENV });
  setProcessLogName('launcher');
  const { config } = loaded;
  // The buyer pages' stylesheet and fonts (public/buyer/), built from components/buyer.
  const assets = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-buyer-assets.ts'], { stdio: 'inherit' });
  if (assets.status !== 0) process.exit(1);
  await prepareRuntime(config);
  const stopGateway = await startGateway(loaded);
  for (const line of describeGateway(loaded)) log().info(line.replace('[daikou] ', ''));

  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  // Production runs Next behind our own node:http server (scripts/serve-next.ts) so the socket address
  // reaches the app; `next dev` has no such hook, so in development the client IP is unknown (null).
  const port = String(listenPort(config));
  const args = mode === 'development' ? [nextBin, 'dev', '--port', port] : ['--import', 'tsx', 'scripts/serve-next.ts', port];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...loaded.raw, NODE_ENV: config.NODE_ENV, NEXTAUTH_URL: config.APP_URL },
  });
  log().info({ url: config.APP_URL }, `portal: ${config.APP_URL}  (sign in at ${config.APP_URL}/sign-in)`);
  // The server drains its requests and jobs itself (scripts/serve-next.ts); the local simulator stays up
  // until it has exited, so in-flight charges still reach it.
  const shutdown = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  child.on('exit', async (code) => {
    await stopGateway();
    process.exit(code ?? 0);
  });
}
