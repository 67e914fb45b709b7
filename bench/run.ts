/**
 * `npm run bench`: runs every bench/*.bench.ts in sequence, each in its own tsx child process (a
 * clean heap and JIT per benchmark), and exits non-zero if any of them did.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReport, machineFacts, type BenchRun } from './report';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

/** Runs one bench, echoing its output as it comes and keeping it for the report. */
function runOne(file: string): Promise<BenchRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ file, status: code ?? 1, seconds: (Date.now() - started) / 1000, output }));
  });
}

/** Benches that start the production server: a clean clone has no `.next` yet, so build it once first. */
const needsBuild = files.filter((f) => /scripts\/start\.ts|serve-next/.test(readFileSync(path.join(benchDir, f), 'utf8')));
const repoRoot = path.resolve(benchDir, '..');
if (needsBuild.length > 0 && !existsSync(path.join(repoRoot, '.next', 'BUILD_ID'))) {
  console.log(`no production build yet (${needsBuild.join(', ')} need one): npm run build`);
  const code = await new Promise<number>((resolve) => {
    spawn('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit', env: process.env }).on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    console.error('npm run build failed; the benches that need it will fail too');
  }
}

const runs: BenchRun[] = [];
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const run = await runOne(file);
  console.log(`◀ ${file}: ${run.status === 0 ? 'ok' : `exit ${run.status}`} in ${run.seconds.toFixed(1)} s`);
  runs.push(run);
}
if (files.length === 0) console.log('no bench/*.bench.ts files found');
const report = buildReport(runs, machineFacts(process.env.BENCH_DATABASE_URL ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite (in-memory) where a bench needs one'));
// A partial run (`npm run bench -- charge`) prints its report but keeps the full one on disk.
if (only.length === 0) writeFileSync(path.join(benchDir, 'REPORT.md'), report);
console.log(`\n${report}`);
process.exitCode = runs.some((r) => r.status !== 0) ? 1 : 0;
