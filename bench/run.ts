/**
 * `npm run bench`: runs every bench/*.bench.ts in sequence, each in its own tsx child process (a
 * clean heap and JIT per benchmark), and exits non-zero if any of them did.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], { stdio: 'inherit', env: process.env });
  const status = r.status ?? 1;
  console.log(`◀ ${file}: ${status === 0 ? 'ok' : `exit ${status}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (status !== 0) failed++;
}
if (files.length === 0) console.log('no bench/*.bench.ts files found');
process.exitCode = failed ? 1 : 0;
