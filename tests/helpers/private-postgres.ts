import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL instance of the test's own (initdb into a temporary directory, its own port), so a test can stop,
 * crash and restart the database without touching the server other tests and processes share.
 */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Stops it (`immediate`: no checkpoint, the next start runs crash recovery — a power cut for the database). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): void;
}

/** The newest PostgreSQL server binaries on this machine (/usr/lib/postgresql/<version>/bin), or null. */
export function postgresBinaries(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')) && existsSync(path.join(base, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function runAsOwner(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [command, argv] = root ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${path.basename(bin)} ${args[0]} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** The same without blocking the event loop (a test's own servers keep running meanwhile). */
function runAsOwnerAsync(bin: string, args: string[]): Promise<void> {
  const root = process.getuid?.() === 0;
  const [command, argv] = root ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    execFile(command, argv, { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(`${path.basename(bin)} ${args[0]} failed: ${stderr || stdout}`)) : resolve()));
  });
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-private-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  runAsOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=100 -c shared_buffers=64MB`;
  const startArgs = ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', options];
  runAsOwner(path.join(bin, 'pg_ctl'), startArgs);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop(mode = 'fast') {
      return runAsOwnerAsync(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', mode, '-w', '-t', '60']);
    },
    start: () => runAsOwnerAsync(path.join(bin, 'pg_ctl'), startArgs),
    destroy() {
      try {
        runAsOwner(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
