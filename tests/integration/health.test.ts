import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as live } from '@/app/api/health/live/route';
import type { Database } from '@/lib/db/client';
import { beginDraining, lifecyclePhase, resetLifecycle } from '@/lib/health/lifecycle';
import { checkReadiness, newestShippedMigration } from '@/lib/health/readiness';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const MIGRATIONS = path.resolve(__dirname, '..', '..', 'drizzle');
let database: Database;

const deps = (overrides: Partial<Parameters<typeof checkReadiness>[0]> = {}) => ({
  database: async () => database,
  queue: async () => ({}),
  phase: lifecyclePhase,
  gateway: 'simulator' as const,
  migrationsFolder: MIGRATIONS,
  timeoutMs: 1000,
  ...overrides,
});

describe(`health endpoints (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    resetLifecycle();
    await database?.close();
  });

  it('live answers 200 without touching the database', async () => {
    const response = live();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'live' });
  });

  it('ready: a migrated database, a started queue and a running process', async () => {
    resetLifecycle();
    const readiness = await checkReadiness(deps());
    expect(readiness).toMatchObject({ status: 'ready', gateway: 'simulator', reasons: [] });
    expect(readiness.checks.migrations).toEqual({ ok: true, detail: (await newestShippedMigration(MIGRATIONS)).tag });
  });

  it('not ready with a reason when the database is unreachable, the queue has not started or the process drains', async () => {
    const down = await checkReadiness(deps({ database: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) }));
    expect(down.status).toBe('not_ready');
    expect(down.reasons).toEqual(['database unreachable: connect ECONNREFUSED 127.0.0.1:5432', 'migrations unknown: the database is unreachable']);

    const hung = await checkReadiness(deps({ database: () => new Promise<never>(() => {}), timeoutMs: 50 }));
    expect(hung.reasons[0]).toBe('database unreachable: the database did not answer within 50 ms');

    const noQueue = await checkReadiness(deps({ queue: () => Promise.reject(new Error('pg-boss failed to start')) }));
    expect(noQueue.reasons).toEqual(['job queue not started: pg-boss failed to start']);

    beginDraining();
    const draining = await checkReadiness(deps());
    expect(draining.status).toBe('not_ready');
    expect(draining.reasons).toEqual(['shutting down: finishing in-flight work']);
    resetLifecycle();
  });

  it('not ready when the code ships a migration the database has not applied', async () => {
    const shipped = await newestShippedMigration(MIGRATIONS);
    await database.executeSql('delete from drizzle.__drizzle_migrations where created_at = $1', [shipped.when]);
    const behind = await checkReadiness(deps());
    expect(behind.status).toBe('not_ready');
    expect(behind.reasons).toEqual([`migrations behind: the code ships ${shipped.tag}, the database has not applied it`]);
  });
});
