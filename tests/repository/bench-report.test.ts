import { describe, expect, it } from 'vitest';
import { buildReport, machineFacts, ratioLines } from '../../bench/report';

const SAMPLES = {
  'signature.bench.ts': 'operation        ops/s  µs/op\nsign (RSA-2048)   900   1111\n\u001b[32mratio (median of 9 rounds):  1.08× the baseline (target ≤ 1.25×)\u001b[0m\n',
  'charge.bench.ts': 'warming up\nthroughput (200 at concurrency 8, 3 alternating rounds): raw signed pay 410/s | charge operation 260/s (0.63× raw)\n',
  'buyer-pages.bench.ts': 'buyer pages: worst 0.0 kB vs budget 120 kB → ratio 0.00 (≤ 1 passes)\n',
  'broken.bench.ts': 'Error: connect ECONNREFUSED\n',
};

describe('bench report', () => {
  it('keeps only the lines that compare with a baseline, without colour codes', () => {
    expect(ratioLines(SAMPLES['signature.bench.ts'])).toEqual(['ratio (median of 9 rounds):  1.08× the baseline (target ≤ 1.25×)']);
    expect(ratioLines('warming up\nno numbers vs nothing\n')).toEqual([]);
    // The database, each verdict and a skip are kept as context.
    expect(ratioLines('database: PostgreSQL (throw-away database)\nPOST notify/payment (signed) 940 requests → 940/s\nFAIL ≥ 1,000 notifications/s (940)\nPASS 0 errors (0)\nseeded 10 rows\nstaff-search: skipped — no PostgreSQL\n')).toEqual([
      'database: PostgreSQL (throw-away database)',
      'POST notify/payment (signed) 940 requests → 940/s',
      'FAIL ≥ 1,000 notifications/s (940)',
      'PASS 0 errors (0)',
      'staff-search: skipped — no PostgreSQL',
    ]);
  });

  it('writes one markdown table: machine facts, every bench with status, time and its ratios', () => {
    const runs = Object.entries(SAMPLES).map(([file, output], i) => ({ file, output, status: file.startsWith('broken') ? 1 : 0, seconds: 10 + i }));
    const report = buildReport(runs, { ...machineFacts('PGlite'), date: '2026-12-05T08:00:00.000Z' });
    expect(report).toContain('# Benchmark report');
    expect(report).toMatch(/\| CPU \| .+ × \d+ \|/);
    expect(report).toContain('| signature | ok | 10.0 s | ratio (median of 9 rounds):  1.08× the baseline (target ≤ 1.25×) |');
    expect(report).toContain('raw signed pay 410/s \\| charge operation 260/s (0.63× raw)');
    expect(report).toContain('| broken | failed (exit 1) | 13.0 s | — |');
    expect(report).toContain('4 benchmark(s), 1 failed.');
  });
});
