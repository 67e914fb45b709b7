/**
 * JSON logs (pino) for every process: web, worker, simulator, scripts. One logger per process, kept on
 * globalThis (the production build gives routes and the instrumentation hook their own module copies).
 * Every line carries the correlation id of the work it belongs to (AsyncLocalStorage, lib/log/context.ts).
 * Secrets are redacted by key name wherever they sit in a logged object; code logs ids and codes, never
 * bodies, headers or tokens. Pretty output (pino-pretty, a devDependency) only in development.
 */
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import { logSettings } from '@/lib/env';
import { currentLogContext } from './context';

export type { Logger } from 'pino';

/** Keys whose values are never written, at any depth up to three levels. */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'authCode',
  'authState',
  'privateKey',
  'signature',
  'body',
  'rawBody',
  'headers',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = k.startsWith('[') ? k : `.${k}`;
    paths.push(k.startsWith('[') ? k : key, `*${dot}`, `*.*${dot}`);
  }
  return paths;
}

function prettyTransport(): pino.TransportSingleOptions | undefined {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } };
  } catch {
    return undefined; // production install (no devDependencies): plain JSON
  }
}

export interface CreateLoggerOptions {
  /** Process name on every line: web, worker, simulator, script name. */
  name: string;
  level?: string;
  pretty?: boolean;
  /** Where lines go (tests capture them); default stdout. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = logSettings();
  const transport = options.destination ? undefined : (options.pretty ?? settings.pretty) ? prettyTransport() : undefined;
  const config: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? settings.level,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => currentLogContext(),
    ...(transport ? { transport } : {}),
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

const globalForLog = globalThis as unknown as { daikouLogger?: Logger; daikouLoggerName?: string };

/** Names this process's logger (call first thing in a script); otherwise it is 'web'. */
export function setProcessLogName(name: string): void {
  globalForLog.daikouLoggerName = name;
  globalForLog.daikouLogger = undefined;
}

/** Replaces the process logger (tests capture logs this way). */
export function setProcessLogger(logger: Logger | undefined): void {
  globalForLog.daikouLogger = logger;
}

/** This process's logger. */
export function log(): Logger {
  globalForLog.daikouLogger ??= createLogger({ name: globalForLog.daikouLoggerName ?? 'web' });
  return globalForLog.daikouLogger;
}

/** The first line of an error's message, for logs (driver errors may quote parameters on later lines). */
export function errorLine(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  return `${e?.name ?? 'Error'}: ${String(e?.message ?? error).split('\n')[0]!.slice(0, 300)}`;
}
