/**
 * What every domain service returns for outcomes a user can cause (validation, conflicts, permissions).
 * Bugs and infrastructure failures still throw. `C` is the service's own union of failure codes, so callers
 * branch on a typed value (a misspelt or removed code fails to compile) instead of comparing free strings.
 */
export type ServiceResult<T, C extends string = string> =
  | { ok: true; data: T }
  | { ok: false; code: C; error: string; fieldErrors?: Record<string, string[]> };

export const ok = <T>(data: T): { ok: true; data: T } => ({ ok: true, data });

export const fail = <C extends string>(code: C, error: string, fieldErrors?: Record<string, string[]>): { ok: false; code: C; error: string; fieldErrors?: Record<string, string[]> } => ({
  ok: false,
  code,
  error,
  ...(fieldErrors ? { fieldErrors } : {}),
});
