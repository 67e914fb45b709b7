import { z } from 'zod';

/**
 * The merchant API's one error shape: `{ error: { type, code, message, param, request_id } }`. `type` is the
 * family (what the caller should do), `code` the precise reason, `param` the offending field (dotted path) when
 * there is one. Never a stack, never a 500 for bad input.
 */
export const API_ERROR_TYPES = ['invalid_request_error', 'authentication_error', 'permission_error', 'idempotency_error', 'rate_limit_error', 'api_error'] as const;
export type ApiErrorType = (typeof API_ERROR_TYPES)[number];

export const apiErrorSchema = z
  .object({
    error: z.object({
      type: z.enum(API_ERROR_TYPES),
      code: z.string(),
      message: z.string(),
      param: z.string().nullable(),
      request_id: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export interface ApiFailure {
  status: number;
  type: ApiErrorType;
  code: string;
  message: string;
  param?: string | null;
  /** Extra response headers (Retry-After). */
  headers?: Record<string, string>;
}

const BRAND = Symbol.for('daikou.api.failure');

/** A refusal a handler returns (or throws) to answer with the error shape. Recognised by brand, never instanceof. */
export function apiFailure(status: number, type: ApiErrorType, code: string, message: string, param?: string | null, headers?: Record<string, string>): ApiFailure {
  const failure: ApiFailure = { status, type, code, message, param: param ?? null, ...(headers ? { headers } : {}) };
  Object.defineProperty(failure, BRAND, { value: true, enumerable: false });
  return failure;
}

export function isApiFailure(value: unknown): value is ApiFailure {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export const notFound = (what: string, param?: string) => apiFailure(404, 'invalid_request_error', 'resource_missing', `No such ${what}.`, param ?? null);

export function errorBody(failure: ApiFailure, requestId: string): string {
  return JSON.stringify({ error: { type: failure.type, code: failure.code, message: failure.message, param: failure.param ?? null, request_id: requestId } });
}

/** The first zod issue as a 400 naming the field (`amount`, `metadata.order`, or the query parameter). */
export function fromZodError(error: z.ZodError, where: 'body' | 'query' | 'path', input?: unknown): ApiFailure {
  const issue = error.issues[0]!;
  // zod 4 issues do not carry the input: look the value up to tell a missing field from a wrong one.
  let value: unknown = input;
  for (const segment of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[segment as PropertyKey] : undefined;
  const absent = value === undefined;
  let path = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    path = path ? `${path}.${key}` : key;
    message = `Unknown ${where === 'query' ? 'query parameter' : 'field'}: ${key}.`;
  } else if (issue.code === 'invalid_type' && absent) {
    message = `${path || 'The request body'} is required.`;
  } else if (path) {
    message = `${path}: ${message}`;
  }
  return apiFailure(400, 'invalid_request_error', issue.code === 'unrecognized_keys' ? 'parameter_unknown' : absent && issue.code === 'invalid_type' ? 'parameter_missing' : 'parameter_invalid', message, path || null);
}

/** True when the database cannot be reached (connection refused, closed, shutting down): the API answers 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const codes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e))) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /PGlite is closed|connection (?:terminated|refused)|database system is (?:shutting down|starting up)/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
