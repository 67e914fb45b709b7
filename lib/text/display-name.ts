import { z } from 'zod';

// C0 controls (NUL, line breaks, tabs…), DEL and C1 controls, plus line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A name shown to people (customer, staff member, merchant): trimmed, 1–`max` characters, no control
 * characters. PostgreSQL cannot store NUL in text at all (the insert would fail), and line breaks in a name
 * forge lines in logs, CSV exports and emails.
 */
export function displayName(emptyMessage: string, max = 120) {
  return z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(max, `Use at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), 'Remove control characters such as line breaks or NUL');
}
