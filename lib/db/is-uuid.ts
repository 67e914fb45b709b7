const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A well-formed UUID: anything else would make PostgreSQL refuse the query (22P02) — answer 4xx instead. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
