// Builds what the JavaScript-free buyer pages load: public/buyer/buyer.css (Tailwind CLI over
// components/buyer) and the Thai font files. Run by `npm run build`, `npm run dev` and `npm start`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import './build-dashboard-fonts';

const require = createRequire(import.meta.url);
const out = path.join('public', 'buyer');
mkdirSync(path.join(out, 'fonts'), { recursive: true });

const fontDir = path.join(path.dirname(require.resolve('@fontsource/noto-sans-thai/package.json')), 'files');
for (const weight of [400, 600]) {
  const file = `noto-sans-thai-thai-${weight}-normal.woff2`;
  copyFileSync(path.join(fontDir, file), path.join(out, 'fonts', file));
}

const cli = path.join(path.dirname(require.resolve('@tailwindcss/cli/package.json')), 'dist', 'index.mjs');
const result = spawnSync(process.execPath, [cli, '-i', 'components/buyer/buyer.css', '-o', path.join(out, 'buyer.css'), '--minify'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (result.status !== 0) {
  console.error('[daikou] building public/buyer/buyer.css failed');
  process.exit(1);
}
