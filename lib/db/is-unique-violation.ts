/**
 * True when a database error (postgres.js, PGlite, or drizzle's wrapper around either) is a unique
 * violation (SQLSTATE 23505), optionally on one named constraint. Lets a service turn a lost race on a
 * unique column into a typed answer instead of a 500.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint_name: name1, constraint: name2 } = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (code === '23505') return constraint === undefined || name1 === constraint || name2 === constraint;
  }
  return false;
}
