/**
 * PostgreSQL connections per pool (DATABASE_POOL_SIZE; openDatabase's default). A few connections kept busy
 * beat many taking turns: every open connection is a backend that competes for the database server's cores, and on a
 * small server their commits and locks queue behind each other instead of running. The usual advice (PostgreSQL
 * wiki, "Number Of Database Connections") is about twice the server's cores across all clients.
 *
 * bench/billing-run.bench.ts, PostgreSQL on the same 2-core machine, 5,000 periods at 32 charges in flight, one pool
 * per run: 10 connections 0.51× the raw pay rate (PostgreSQL 1.8–2.0 ms CPU per period), 6 0.56×, 4 0.61–0.63×
 * (1.4–1.6 ms), 3 0.68×, 2 0.65× (1.3 ms). bench/merchant-api.bench.ts: 10 connections 0.40×, 4 0.43–0.46×.
 * 4 keeps a slow dashboard query from holding a process's only spare connection.
 */
export const DEFAULT_POOL_SIZE = 4;
