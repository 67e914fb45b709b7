import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './test-support';

/** Every non-test source file of lib/alipay and lib/money, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = [...sources(path.join(repoRoot, 'lib', 'alipay')), ...sources(path.join(repoRoot, 'lib', 'money'))];
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('module boundary (publishable on its own)', () => {
  it('finds the sources', () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [path.relative(repoRoot, f), f]))('%s imports only node:*, zod and relative module files', (_rel, file) => {
    for (const spec of importsOf(file)) {
      const allowed = spec.startsWith('node:') || spec === 'zod' || (spec.startsWith('.') && !/\/(db|auth|simulator|env)(\/|$)/.test(spec));
      expect({ spec, allowed }).toEqual({ spec, allowed: true });
      expect(spec).not.toMatch(/^(next|react|node-forge|@\/)/);
    }
  });
});
