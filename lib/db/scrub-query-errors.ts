import { replaceQueryErrors } from './drizzle-internals';

/**
 * A failed query as the rest of the app sees it: the SQLSTATE, constraint, table and column (enough to act
 * on and to find in the code), never the parameters nor the server's `detail` ("Key (email)=(…)"), which
 * carry names, emails and password hashes straight into whatever logs the error, nor the server message
 * of a data exception (class 22: "invalid input syntax for type uuid: …" echoes the value). The SQL text
 * stays out too: it is in the code, and the error is identified by `code` and `constraint`.
 */
export class DatabaseQueryError extends Error {
  readonly code: string | undefined;
  readonly constraint_name: string | undefined;
  readonly table_name: string | undefined;
  readonly column_name: string | undefined;

  constructor(cause: unknown) {
    const c = (cause ?? {}) as Record<string, unknown>;
    const pick = (...keys: string[]) => keys.map((k) => c[k]).find((v): v is string => typeof v === 'string');
    const code = pick('code');
    const constraint = pick('constraint_name', 'constraint');
    // The server's own message names constraints and triggers, but data exceptions (class 22) echo the value.
    const serverMessage = code && !code.startsWith('22') ? pick('message') : undefined;
    super(`Database query failed (SQLSTATE ${code ?? 'unknown'}${constraint ? `, constraint ${constraint}` : ''})${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'DatabaseQueryError';
    this.code = code;
    this.constraint_name = constraint;
    this.table_name = pick('table_name', 'table');
    this.column_name = pick('column_name', 'column');
  }
}

// Every drizzle pg driver (postgres.js, PGlite) runs its queries through one method, which wraps driver
// errors in DrizzleQueryError("Failed query: … params: …"); replace that error once per process.
replaceQueryErrors((driverError) => new DatabaseQueryError(driverError));
