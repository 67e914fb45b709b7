import { randomBytes } from 'node:crypto';

/** Antom's referenceOrderId: at most 64 characters (ams-api.md §6.1). Our business key is that reference. */
export const BUSINESS_KEY_MAX = 64;
const SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:#/-]*$/;

/** A fresh order reference for a charge whose creator gave none; shown to staff so they can use it again. */
export function newBusinessKey(): string {
  return `ord_${randomBytes(12).toString('hex')}`;
}

/** The order reference as typed, or a sentence saying what is wrong with it. */
export function parseBusinessKey(raw: string | null | undefined): { ok: true; key: string | null } | { ok: false; error: string } {
  const key = (raw ?? '').trim();
  if (key.length === 0) return { ok: true, key: null };
  if (key.length > BUSINESS_KEY_MAX) return { ok: false, error: `An order reference has at most ${BUSINESS_KEY_MAX} characters (Antom's limit).` };
  if (!SHAPE.test(key)) return { ok: false, error: 'An order reference starts with a letter or digit and uses only letters, digits and . _ : # / -' };
  return { ok: true, key };
}
