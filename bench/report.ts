/**
 * The benchmark report `npm run bench` writes to bench/REPORT.md (and prints): the machine's facts, then each
 * benchmark with its status, its time and the lines where it compares itself with its same-run baseline
 * (every bench prints its ratio: "× raw", "ratio …", "vs budget", "× the … target").
 */
import os from 'node:os';

export interface BenchRun {
  file: string;
  status: number;
  seconds: number;
  /** Everything it printed (stdout and stderr). */
  output: string;
}

export interface MachineFacts {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  database: string;
}

export function machineFacts(database: string): MachineFacts {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    database,
  };
}

const ANSI = /\u001b\[[0-9;]*m/g;
const RATIO_LINE = /ratio|×|\bvs\b|baseline|target|budget|→/i;
/** Also kept: which database the bench ran on, each PASS / FAIL verdict, and why a bench was skipped. */
const CONTEXT_LINE = /^database:|^(PASS|FAIL)\b|skipped/i;

/** The lines of a bench's output that state a ratio against its baseline, with their context. */
export function ratioLines(output: string): string[] {
  return output
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && ((RATIO_LINE.test(line) && /\d/.test(line)) || CONTEXT_LINE.test(line)));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function buildReport(runs: readonly BenchRun[], machine: MachineFacts): string {
  const out: string[] = [];
  out.push('# Benchmark report', '');
  out.push(`Written by \`npm run bench\` on ${machine.date}. Each benchmark is measured against a baseline from the same run on the same machine, so the ratios travel between machines; absolute numbers do not.`, '');
  out.push('| machine | |', '|---|---|');
  out.push(`| CPU | ${cell(machine.cpu)} × ${machine.cores} |`, `| memory | ${machine.memoryGiB} GiB |`, `| Node.js | ${machine.node} |`, `| OS | ${cell(machine.platform)} |`, `| database | ${cell(machine.database)} |`, '');
  out.push('| benchmark | result | time | ratios against the same-run baseline |', '|---|---|---|---|');
  for (const run of runs) {
    const ratios = ratioLines(run.output);
    const name = run.file.replace(/\.bench\.ts$/, '');
    out.push(`| ${cell(name)} | ${run.status === 0 ? 'ok' : `failed (exit ${run.status})`} | ${run.seconds.toFixed(1)} s | ${ratios.length ? ratios.map(cell).join('<br>') : '—'} |`);
  }
  const failed = runs.filter((r) => r.status !== 0).length;
  out.push('', `${runs.length} benchmark(s), ${failed} failed. Reproduce: \`npm ci && npm run build && npm run bench\` (PostgreSQL ones need \`BENCH_DATABASE_URL\`; see README).`, '');
  return out.join('\n');
}
