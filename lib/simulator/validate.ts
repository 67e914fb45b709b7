/**
 * The simulator's own request validation, written from ams-api.md (§2–§12), deliberately independent of
 * lib/alipay's zod schemas so that a misreading on one side is caught by the other.
 *
 * Every check throws `ParamIllegal` naming the offending field by its dotted path; the gateway turns it
 * into `PARAM_ILLEGAL` (F) with that message. Nothing here coerces money through Number.
 */

export type JsonObject = Record<string, unknown>;

/** A missing or malformed request field; `field` is the dotted path, e.g. `paymentAmount.value`. */
export class ParamIllegal extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'ParamIllegal';
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface StringRule {
  max?: number;
  pattern?: RegExp;
  oneOf?: readonly string[];
}

function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

/** Reads an optional string field; `null` counts as absent (ams-api.md §1.5: omit or send null). */
export function optionalString(obj: JsonObject, field: string, prefix = '', rule: StringRule = {}): string | undefined {
  const value = obj[field];
  const path = join(prefix, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ParamIllegal(path, 'must be a string');
  if (value.length === 0) throw new ParamIllegal(path, 'must not be empty (omit the field instead)');
  if (rule.max !== undefined && value.length > rule.max) {
    throw new ParamIllegal(path, `must be at most ${rule.max} characters`);
  }
  if (rule.pattern && !rule.pattern.test(value)) throw new ParamIllegal(path, 'has an invalid format');
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    throw new ParamIllegal(path, `must be one of ${rule.oneOf.join(', ')}`);
  }
  return value;
}

/** Reads a mandatory string field. */
export function requiredString(obj: JsonObject, field: string, prefix = '', rule: StringRule = {}): string {
  const value = optionalString(obj, field, prefix, rule);
  if (value === undefined) throw new ParamIllegal(join(prefix, field), 'is required');
  return value;
}

export function optionalObject(obj: JsonObject, field: string, prefix = ''): JsonObject | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ParamIllegal(join(prefix, field), 'must be an object');
  return value;
}

export function requiredObject(obj: JsonObject, field: string, prefix = ''): JsonObject {
  const value = optionalObject(obj, field, prefix);
  if (!value) throw new ParamIllegal(join(prefix, field), 'is required');
  return value;
}

/**
 * Booleans: Antom documents them as strings ("true"), the Java SDK sends JSON booleans; both are
 * accepted (ams-api.md §1.5).
 */
export function optionalBoolean(obj: JsonObject, field: string, prefix = ''): boolean | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ParamIllegal(join(prefix, field), 'must be "true" or "false"');
}

export function requiredBoolean(obj: JsonObject, field: string, prefix = ''): boolean {
  const value = optionalBoolean(obj, field, prefix);
  if (value === undefined) throw new ParamIllegal(join(prefix, field), 'is required');
  return value;
}

export function stringArray(
  obj: JsonObject,
  field: string,
  opts: { min: number; max: number; itemMax?: number; oneOf?: readonly string[] },
): string[] {
  const value = obj[field];
  if (value === undefined || value === null) throw new ParamIllegal(field, 'is required');
  if (!Array.isArray(value)) throw new ParamIllegal(field, 'must be an array');
  if (value.length < opts.min) throw new ParamIllegal(field, `must have at least ${opts.min} element(s)`);
  if (value.length > opts.max) throw new ParamIllegal(field, `must have at most ${opts.max} elements`);
  return value.map((item, i) => {
    const path = `${field}[${i}]`;
    if (typeof item !== 'string' || item.length === 0) throw new ParamIllegal(path, 'must be a non-empty string');
    if (opts.itemMax !== undefined && item.length > opts.itemMax) {
      throw new ParamIllegal(path, `must be at most ${opts.itemMax} characters`);
    }
    if (opts.oneOf && !opts.oneOf.includes(item)) throw new ParamIllegal(path, `must be one of ${opts.oneOf.join(', ')}`);
    return item;
  });
}

/** An `Amount` (ams-api.md §1.7): currency ISO 4217 alpha-3, value a positive integer string ≤ 16 digits. */
export interface WireAmount {
  currency: string;
  valueMinor: bigint;
  /** The value exactly as received, for idempotency comparison and echoing. */
  value: string;
}

export function requiredAmount(obj: JsonObject, field: string, prefix = ''): WireAmount {
  const path = join(prefix, field);
  const amount = requiredObject(obj, field, prefix);
  const currency = requiredString(amount, 'currency', path, { pattern: /^[A-Z]{3}$/ });
  const raw = amount['value'];
  // The Java SDK has been seen sending numbers in other objects; an amount must still be a string.
  if (raw === undefined || raw === null) throw new ParamIllegal(`${path}.value`, 'is required');
  if (typeof raw !== 'string') throw new ParamIllegal(`${path}.value`, 'must be a string of digits');
  if (!/^[0-9]{1,16}$/.test(raw)) throw new ParamIllegal(`${path}.value`, 'must be 1–16 digits in minor units');
  const valueMinor = BigInt(raw);
  if (valueMinor <= 0n) throw new ParamIllegal(`${path}.value`, 'must be greater than zero');
  return { currency, valueMinor, value: raw };
}

/** A URL field: absolute http(s) URL of bounded length. */
export function optionalUrl(obj: JsonObject, field: string, max: number, prefix = ''): string | undefined {
  const value = optionalString(obj, field, prefix, { max });
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ParamIllegal(join(prefix, field), 'must be an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ParamIllegal(join(prefix, field), 'must be an http(s) URL');
  }
  return value;
}

export function requiredUrl(obj: JsonObject, field: string, max: number, prefix = ''): string {
  const value = optionalUrl(obj, field, max, prefix);
  if (value === undefined) throw new ParamIllegal(join(prefix, field), 'is required');
  return value;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date-time with an explicit offset (ams-api.md §1.5); returns epoch ms. */
export function optionalDateTime(obj: JsonObject, field: string, prefix = ''): number | undefined {
  const value = optionalString(obj, field, prefix, { max: 64 });
  if (value === undefined) return undefined;
  const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new ParamIllegal(join(prefix, field), 'must be ISO 8601 with an offset');
  return ms;
}

/**
 * `Request-Time` as Antom's SDKs send it: epoch milliseconds (Java, Go) or ISO 8601 (Python, older
 * docs). Returns epoch ms or `undefined` when it is neither.
 */
export function parseRequestTime(value: string): number | undefined {
  if (/^\d{10,16}$/.test(value)) return Number(value);
  if (ISO_8601.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
