import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Guards against a clone that cannot run its own tests: reference material beside the checkout
 * (a sibling `shared` folder) exists on some machines only, so no source, test, script or CI file
 * may reach for it at run time. Test data lives in test-data/ instead.
 */
const root = path.resolve(__dirname, '..', '..');
const SOURCE_DIRS = ['app', 'bench', 'components', 'e2e', 'i18n', 'lib', 'scripts', 'tests', '.ci'];
const SOURCE_FILE = /\.(c|m)?(t|j)sx?$|^run$/;
const SKIP_DIRS = new Set(['node_modules', '.next', '.data', 'test-results']);

const SIBLING = ['..', 'shared'];
const FORBIDDEN = [
  // The sibling folder as one path string, with either separator.
  new RegExp(`\\.\\.[\\\\/]${SIBLING[1]}\\b`),
  // The sibling folder as path.resolve / path.join segments.
  new RegExp(`['"\`]\\.\\.['"\`]\\s*,\\s*['"\`]${SIBLING[1]}['"\`]`),
];
// This file spells the patterns out; the second test below proves they match.
const SELF = path.relative(root, __filename);

function* sourceFiles(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (SKIP_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (SOURCE_FILE.test(name)) yield full;
  }
}

function offenders(): string[] {
  const rootFiles = readdirSync(root).filter((name) => /\.(c|m)?(t|j)s$/.test(name)).map((name) => path.join(root, name));
  const files = [...rootFiles, ...SOURCE_DIRS.flatMap((dir) => [...sourceFiles(path.join(root, dir))])];
  expect(files.length).toBeGreaterThan(50);
  const found: string[] = [];
  for (const file of files) {
    if (path.relative(root, file) === SELF) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (FORBIDDEN.some((pattern) => pattern.test(line))) found.push(`${path.relative(root, file)}:${index + 1}`);
      });
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('no source, test, script or CI file reads the sibling shared folder (a clone alone lacks it)', () => {
    expect(offenders()).toEqual([]);
  });

  it('recognises both spellings of the sibling path (so the check above cannot pass by seeing nothing)', () => {
    const sample = [`readFileSync('${SIBLING.join('/')}/alipay/x.json')`, `path.resolve(root, '${SIBLING[0]}', '${SIBLING[1]}', 'a')`];
    expect(sample.map((line) => FORBIDDEN.some((pattern) => pattern.test(line)))).toEqual([true, true]);
  });

  it('keeps the signature vectors and their licence in test-data/', () => {
    for (const file of ['alipay/signature-vectors.json', 'wycheproof/rsa_signature_2048_sha256_test.json', 'wycheproof/rsa_signature_3072_sha256_test.json', 'wycheproof/LICENSE', 'README.md']) {
      expect(statSync(path.join(root, 'test-data', file)).size, file).toBeGreaterThan(500);
    }
  });
});
