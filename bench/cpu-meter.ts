// CPU spent per operation, beside the rates a benchmark prints: this process's CPU (process.cpuUsage) and, when the
// bench database is a PostgreSQL server on this machine, the CPU of the server processes serving that database
// (their pids from pg_stat_activity, their user + system time from /proc/<pid>/stat). On a shared 2-core machine a
// rate moves with whatever else runs; the CPU an operation costs moves much less, so a change is judged on this.
// Linux only for the server's part (elsewhere, or for a remote server or PGlite, it is reported as unknown).
import { readFileSync } from 'node:fs';
import postgres from 'postgres';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** This process, microseconds (user + system, every thread: the event loop, GC helpers, the libuv pool). */
  processMicros: number;
  /** The bench database's server processes, milliseconds (user + system); null when not measurable. */
  serverMs: number | null;
}

export interface CpuMeter {
  sample(): Promise<CpuSample>;
  close(): Promise<void>;
}

export interface CpuSpent {
  /** Milliseconds of this process's CPU per operation. */
  processMs: number;
  /** Milliseconds of the database server's CPU per operation, null when not measurable. */
  serverMs: number | null;
}

function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';
}

/**
 * A meter for the throw-away bench database at `databaseUrl` (undefined: PGlite, which runs inside this process,
 * so its CPU is already in the process's share). Its own queries go over a separate one-connection client.
 */
export function cpuMeter(databaseUrl: string | undefined): CpuMeter {
  const url = databaseUrl ? new URL(databaseUrl) : null;
  const measurable = url !== null && isLocalHost(url.hostname) && process.platform === 'linux';
  const database = url ? decodeURIComponent(url.pathname.slice(1)) : '';
  const admin = measurable ? postgres(databaseUrl!, { max: 1, onnotice: () => {} }) : null;
  const serverMs = async (): Promise<number | null> => {
    if (!admin) return null;
    const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
    let ticks = 0;
    for (const { pid } of rows) {
      try {
        // Fields after the command name: state is the 1st, utime the 12th and stime the 13th.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // A backend that ended between the list and the read: its time is lost to both samples alike.
      }
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
  };
  return {
    sample: async () => {
      const cpu = process.cpuUsage();
      return { processMicros: cpu.user + cpu.system, serverMs: await serverMs() };
    },
    close: async () => {
      await admin?.end({ timeout: 5 });
    },
  };
}

/** Adds a slice's CPU to a running total (both per-operation sums weighted by their operation counts). */
export class CpuTally {
  private processMs = 0;
  private serverMs: number | null = 0;
  private operations = 0;

  add(before: CpuSample, after: CpuSample, operations: number): void {
    this.processMs += (after.processMicros - before.processMicros) / 1000;
    this.serverMs = this.serverMs === null || before.serverMs === null || after.serverMs === null ? null : this.serverMs + (after.serverMs - before.serverMs);
    this.operations += operations;
  }

  perOperation(): CpuSpent {
    const n = Math.max(1, this.operations);
    return { processMs: this.processMs / n, serverMs: this.serverMs === null ? null : this.serverMs / n };
  }
}

/** "bench process 3.71 ms, PostgreSQL 2.40 ms" (the server's part left out when unknown). */
export function describeCpu(spent: CpuSpent): string {
  return `bench process ${spent.processMs.toFixed(2)} ms${spent.serverMs === null ? '' : `, PostgreSQL ${spent.serverMs.toFixed(2)} ms`}`;
}
