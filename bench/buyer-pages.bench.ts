/**
 * First-load JavaScript of every buyer page, gzipped, against the 120 kB budget (issue: buyer pages on
 * cheap phones). Starts the production build (`npm run build` first) on a scratch data folder, fetches
 * each page like a browser would, and sums the gzipped size of every script it loads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 120 * 1024;
const PORT = 3190;
const SIM_PORT = 4190;
const base = `http://localhost:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'daikou-bench-'));

const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: String(PORT), APP_URL: base, SIMULATOR_PORT: String(SIM_PORT), DATABASE_URL: '', ADMIN_PASSWORD: 'bench-admin-password' },
  stdio: ['ignore', 'ignore', 'inherit'],
});

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start (did you run `npm run build`?)');
}

async function firstLoadJs(pathname: string): Promise<{ scripts: number; gzipBytes: number }> {
  const html = await (await fetch(`${base}${pathname}`, { redirect: 'follow' })).text();
  const sources = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  let gzipBytes = 0;
  for (const src of new Set(sources)) {
    const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  // Inline scripts (the RSC payload) count too: they are JavaScript the phone must parse.
  for (const m of html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)) gzipBytes += gzipSync(Buffer.from(m[1] ?? '')).length;
  return { scripts: sources.length, gzipBytes };
}

try {
  await waitForServer();
  const pages = ['/authorize/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/authorize/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/manage', '/authorize/problem?reason=expired_state', '/authorize/result/00000000-0000-4000-8000-000000000000'];
  let worst = 0;
  for (const page of pages) {
    const { scripts, gzipBytes } = await firstLoadJs(page);
    worst = Math.max(worst, gzipBytes);
    console.log(`buyer page ${page.padEnd(52)} ${scripts} scripts, ${(gzipBytes / 1024).toFixed(1)} kB gzipped first-load JS`);
  }
  const ratio = worst / BUDGET_BYTES;
  console.log(`buyer pages: worst ${(worst / 1024).toFixed(1)} kB vs budget 120 kB → ratio ${ratio.toFixed(2)} (≤ 1 passes)`);
  process.exitCode = ratio <= 1 ? 0 : 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
}
