// The dashboard's CJK font (issue 26): names like 王芳 must render on machines without system CJK fonts.
// @fontsource/noto-sans-sc splits Noto Sans SC into ~100 unicode-range subsets; this writes
// public/fonts/noto-sans-sc.css with their @font-face rules (woff2 only, weight 400, family 'Daikou SC') and copies
// the woff2 files beside it. The browser downloads only the subsets whose characters are on the page, and each
// subset's range is cut to its CJK part (cjkOnly), so a page in English loads none.
// Run by scripts/build-buyer-assets.ts (npm run build / dev / start).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
const out = path.join('public', 'fonts');
mkdirSync(out, { recursive: true });

/**
 * Only the CJK part of a subset's unicode-range (U+2E80 and up: radicals, CJK punctuation, kana, Hangul,
 * ideographs, full-width forms). Noto Sans SC's subsets also list Latin letters and punctuation; left in, a page
 * in English on a machine whose system-ui font is missing would download ~95 KB of Noto's Latin for nothing.
 */
function cjkOnly(range: string): string {
  const FLOOR = 0x2e80;
  const parts: string[] = [];
  for (const part of range.replace(/\s+/g, '').split(',')) {
    const m = /^U\+([0-9a-f?]+)(?:-([0-9a-f]+))?$/i.exec(part);
    if (!m) continue;
    const wildcard = m[1]!.includes('?');
    const start = parseInt(wildcard ? m[1]!.replaceAll('?', '0') : m[1]!, 16);
    const end = wildcard ? parseInt(m[1]!.replaceAll('?', 'f'), 16) : m[2] ? parseInt(m[2], 16) : start;
    if (end < FLOOR) continue;
    const from = Math.max(start, FLOOR);
    parts.push(from === end ? `U+${from.toString(16)}` : `U+${from.toString(16)}-${end.toString(16)}`);
  }
  return parts.join(',');
}

const css = readFileSync(path.join(pkg, '400.css'), 'utf8');
const rules: string[] = [];
for (const block of css.split('@font-face').slice(1)) {
  const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
  const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
  if (!file || !range) continue;
  const cjk = cjkOnly(range);
  if (!cjk) continue;
  copyFileSync(path.join(pkg, 'files', file), path.join(out, file));
  rules.push(`@font-face{font-family:'Daikou SC';font-weight:400;font-display:swap;src:url(/fonts/${file}) format('woff2');unicode-range:${cjk}}`);
}
if (rules.length < 10) {
  console.error('[daikou] @fontsource/noto-sans-sc: unexpected 400.css, no subsets found');
  process.exit(1);
}
writeFileSync(path.join(out, 'noto-sans-sc.css'), `${rules.join('\n')}\n`);
