import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The fault-point suite starts the production web server: build it once when there is no build. */
export default function setup(): void {
  if (existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.log('[reliability] using the existing production build (.next); run `npm run build` after changing the code');
    return;
  }
  console.log('[reliability] no production build in .next: running `npm run build` first');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}
