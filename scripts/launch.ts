import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { prepareRuntime } from './prepare-runtime';
import { startLocalSimulator } from './local-simulator';

/** Prepares the runtime, starts the local simulator when needed, and runs Next in the foreground. */
export async function launch(mode: 'development' | 'production'): Promise<void> {
  const gatewayConfigured = Boolean(process.env.ALIPAY_GATEWAY_URL);
  // The buyer pages' stylesheet and fonts (public/buyer/), built from components/buyer.
  const assets = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-buyer-assets.ts'], { stdio: 'inherit' });
  if (assets.status !== 0) process.exit(1);
  const prepared = await prepareRuntime({ mode });
  const env = { ...prepared.raw };
  let stopSimulator: (() => Promise<void>) | undefined;
  if (!gatewayConfigured) {
    const simulator = await startLocalSimulator(prepared);
    Object.assign(env, simulator.env);
    stopSimulator = simulator.close;
  }
  const port = env.PORT || new URL(prepared.APP_URL).port || '3000';
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  // Production runs Next behind our own node:http server (scripts/serve-next.ts) so the socket address
  // reaches the app; `next dev` has no such hook, so in development the client IP is unknown (null).
  const args = mode === 'development' ? [nextBin, 'dev', '--port', port] : ['--import', 'tsx', 'scripts/serve-next.ts', port];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...env, NEXTAUTH_URL: prepared.APP_URL, ...(mode === 'production' ? { NODE_ENV: 'production' } : {}) },
  });
  console.log(`[daikou] portal: ${prepared.APP_URL}  (sign in at ${prepared.APP_URL}/sign-in)`);
  const shutdown = async (signal: NodeJS.Signals) => {
    child.kill(signal);
    await stopSimulator?.();
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  child.on('exit', async (code) => {
    await stopSimulator?.();
    process.exit(code ?? 0);
  });
}
