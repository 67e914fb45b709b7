/**
 * What every domain service returns for outcomes a user can cause (validation, conflicts, permissions).
 * Bugs and infrastructure failures still throw.
 */
export type ServiceResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: string; error: string; fieldErrors?: Record<string, string[]> };

export const ok = <T>(data: T): ServiceResult<T> => ({ ok: true, data });

export const fail = (code: string, error: string, fieldErrors?: Record<string, string[]>): ServiceResult<never> => ({
  ok: false,
  code,
  error,
  ...(fieldErrors ? { fieldErrors } : {}),
});
