/**
 * The simulator's stand-in for isftp.alipay.com (ams-api.md §13.1): a read-only SFTP server over the
 * report tree `<dataDir>/simulator/sftp` (`/v1/settlements/<merchantId>/<YYYYMMDD>/<file>`), password
 * authentication with the user and password from the simulator's secrets. Built on ssh2's server
 * (pure JS). Everything that would write is refused with PERMISSION_DENIED; paths never leave the root.
 */
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync, type Stats } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';

// ssh2 is CommonJS: a default import works under Node's ESM loader (tsx scripts) and bundlers alike.
const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE } = utils.sftp;

export interface SftpServerOptions {
  /** The tree served (created if absent). */
  root: string;
  port: number;
  host?: string;
  user: string;
  password: string;
  /** PEM host key; default: `<keyDir>/sftp-host.pem`, generated once, or an in-memory one. */
  hostKeyPem?: string;
  keyDir?: string;
}

export interface RunningSftpServer {
  port: number;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hostKey(opts: SftpServerOptions): string {
  if (opts.hostKeyPem) return opts.hostKeyPem;
  const file = opts.keyDir ? path.join(opts.keyDir, 'sftp-host.pem') : undefined;
  if (file && existsSync(file)) return readFileSync(file, 'utf8');
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, pem, { mode: 0o600 });
  }
  return pem;
}

function attrsOf(st: Stats): Attributes {
  return {
    mode: st.isDirectory() ? 0o040755 : 0o100644,
    uid: 0,
    gid: 0,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

function longname(name: string, st: Stats): string {
  const date = new Date(st.mtimeMs).toUTCString().slice(5, 22);
  return `${st.isDirectory() ? 'drwxr-xr-x' : '-rw-r--r--'} 1 antom antom ${String(st.size).padStart(10)} ${date} ${name}`;
}

/** Starts the SFTP server; resolves once it listens (port 0 picks a free one). */
export async function startSftpServer(opts: SftpServerOptions): Promise<RunningSftpServer> {
  mkdirSync(opts.root, { recursive: true });
  const root = path.resolve(opts.root);
  /** A client path ("/v1/…", "v1/…", ".") → the absolute file path, or undefined outside the root. */
  const resolve = (p: string): { abs: string; virtual: string } | undefined => {
    const virtual = path.posix.normalize(`/${p}`).replace(/\/+$/, '') || '/';
    if (virtual.split('/').includes('..')) return undefined;
    const abs = path.join(root, virtual);
    return abs === root || abs.startsWith(root + path.sep) ? { abs, virtual } : undefined;
  };

  const server = new Server({ hostKeys: [hostKey(opts)] }, (client) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && sameSecret(ctx.username, opts.user) && sameSecret(ctx.password, opts.password)) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serve(acceptSftp(), resolve));
      });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function serve(sftp: SFTPWrapper, resolve: (p: string) => { abs: string; virtual: string } | undefined): void {
  const handles = new Map<number, { kind: 'file'; fd: number; abs: string } | { kind: 'dir'; abs: string; done: boolean }>();
  let next = 0;
  const newHandle = (value: { kind: 'file'; fd: number; abs: string } | { kind: 'dir'; abs: string; done: boolean }): Buffer => {
    const id = next++;
    handles.set(id, value);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id);
    return b;
  };
  const handleOf = (h: Buffer) => (h.length === 4 ? handles.get(h.readUInt32BE(0)) : undefined);
  const statOr = (reqid: number, p: string, fn: (st: Stats, where: { abs: string; virtual: string }) => void) => {
    const where = resolve(p);
    if (!where || !existsSync(where.abs)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    fn(statSync(where.abs), where);
  };

  sftp.on('REALPATH', (reqid, p) => {
    const where = resolve(p);
    if (!where) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    sftp.name(reqid, [{ filename: where.virtual, longname: where.virtual, attrs: {} as Attributes }]);
  });
  sftp.on('STAT', (reqid, p) => statOr(reqid, p, (st) => sftp.attrs(reqid, attrsOf(st))));
  sftp.on('LSTAT', (reqid, p) => statOr(reqid, p, (st) => sftp.attrs(reqid, attrsOf(st))));
  sftp.on('OPENDIR', (reqid, p) =>
    statOr(reqid, p, (st, where) => {
      if (!st.isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE, 'Not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', abs: where.abs, done: false }));
    }),
  );
  sftp.on('READDIR', (reqid, h) => {
    const entry = handleOf(h);
    if (!entry || entry.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE);
    if (entry.done) return sftp.status(reqid, STATUS_CODE.EOF);
    entry.done = true;
    const names: FileEntry[] = readdirSync(entry.abs)
      .sort()
      .map((name) => {
        const st = statSync(path.join(entry.abs, name));
        return { filename: name, longname: longname(name, st), attrs: attrsOf(st) };
      });
    if (names.length === 0) return sftp.status(reqid, STATUS_CODE.EOF);
    sftp.name(reqid, names);
  });
  sftp.on('OPEN', (reqid, p, flags) => {
    if (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, 'Read-only');
    statOr(reqid, p, (st, where) => {
      if (!st.isFile()) return sftp.status(reqid, STATUS_CODE.FAILURE, 'Not a file');
      sftp.handle(reqid, newHandle({ kind: 'file', fd: openSync(where.abs, 'r'), abs: where.abs }));
    });
  });
  sftp.on('READ', (reqid, h, offset, length) => {
    const entry = handleOf(h);
    if (!entry || entry.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
    const buf = Buffer.alloc(Math.min(length, 256 * 1024));
    const n = readSync(entry.fd, buf, 0, buf.length, offset);
    if (n === 0) return sftp.status(reqid, STATUS_CODE.EOF);
    sftp.data(reqid, buf.subarray(0, n));
  });
  sftp.on('FSTAT', (reqid, h) => {
    const entry = handleOf(h);
    if (!entry || entry.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
    sftp.attrs(reqid, attrsOf(statSync(entry.abs)));
  });
  sftp.on('CLOSE', (reqid, h) => {
    const entry = handleOf(h);
    if (!entry) return sftp.status(reqid, STATUS_CODE.FAILURE);
    if (entry.kind === 'file') closeSync(entry.fd);
    handles.delete(h.readUInt32BE(0));
    sftp.status(reqid, STATUS_CODE.OK);
  });
  for (const denied of ['WRITE', 'REMOVE', 'RENAME', 'MKDIR', 'RMDIR', 'SETSTAT', 'FSETSTAT', 'SYMLINK'] as const) {
    sftp.on(denied, (reqid: number) => sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, 'Read-only'));
  }
  sftp.on('end', () => {
    for (const entry of handles.values()) if (entry.kind === 'file') closeSync(entry.fd);
    handles.clear();
  });
}
