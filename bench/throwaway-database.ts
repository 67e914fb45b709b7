// The database a benchmark runs on: with BENCH_DATABASE_URL a throw-away PostgreSQL database (created here, dropped by
// drop()), so runs never see each other's rows; without it, undefined (the bench uses embedded PGlite in memory).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface ThrowAwayDatabase {
  url: string | undefined;
  drop(): Promise<void>;
}

export async function throwAwayBenchDatabase(): Promise<ThrowAwayDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const name = `daikou_bench_${randomBytes(5).toString('hex')}`;
  const server = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await server.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await server.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await server.end({ timeout: 5 });
    },
  };
}
