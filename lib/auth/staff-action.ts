import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { getDb } from '@/lib/db';
import type { Db } from '@/lib/db/client';
import type { ServiceResult } from '@/lib/service-result';
import type { Actor } from './actor';
import { getCurrentActor } from './current-actor';
import { can, isForbiddenError, type Permission } from './permissions';

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; code: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** The form field that says a destructive action was confirmed in words (the "Yes, …" button sends it). */
export const CONFIRM_FIELD = 'confirm';

interface StaffActionDefinition<S extends z.ZodType, T> {
  schema: S;
  permission: Permission;
  /** Exactly one domain service call; it checks the permission again itself. */
  run: (context: { db: Db; actor: Actor }, input: z.output<S>) => Promise<ServiceResult<T>>;
  /** Page to re-render after a successful change. */
  revalidate?: string;
  /**
   * A destructive action (cancel, revoke, refund): it runs only when the form says `confirm=1`, which only the
   * "Yes, …" button of components/ui/confirm-submit.tsx sends. Without it the answer is `confirm_required` with
   * the typed values echoed back, and the form shows the question in words rendered by the server — so the
   * confirmation holds with JavaScript off too (the form posts to the page and the page renders that state).
   */
  confirm?: boolean;
}

/**
 * Builds every staff server action: session → permission → zod → one service → discriminated result.
 * Works both as `action(input)` and as a `useActionState` reducer `action(previousState, formData)`.
 * Server actions are public POST endpoints, so nothing here trusts the caller.
 */
export function staffAction<S extends z.ZodType, T>(definition: StaffActionDefinition<S, T>) {
  return async (...args: unknown[]): Promise<ActionResult<T>> => {
    const actor = await getCurrentActor();
    if (!actor) return { ok: false, code: 'unauthenticated', error: 'Your session has ended. Sign in again.' };
    // Permission before input: a role that may not act learns nothing about what a valid request looks like.
    if (!can(actor.role, definition.permission)) return forbidden(definition.permission);
    const raw = args.length >= 2 ? args[1] : args[0];
    const parsed = definition.schema.safeParse(raw instanceof FormData ? formDataToObject(raw) : raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join('.') || '_';
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { ok: false, code: 'invalid_input', error: 'Check the highlighted fields.', fieldErrors };
    }
    if (definition.confirm && !isConfirmed(raw)) {
      return { ok: false, code: 'confirm_required', error: 'Confirm this action first.', values: echoedValues(raw) };
    }
    try {
      const result = await definition.run({ db: await getDb(), actor }, parsed.data);
      if (result.ok && definition.revalidate) revalidatePath(definition.revalidate);
      return result;
    } catch (error) {
      if (isForbiddenError(error)) return forbidden(error.permission);
      throw error;
    }
  };
}

function forbidden(permission: Permission): ActionResult<never> {
  return { ok: false, code: 'forbidden', error: `Your role does not allow this (${permission}).` };
}

function isConfirmed(raw: unknown): boolean {
  if (raw instanceof FormData) return raw.get(CONFIRM_FIELD) === '1';
  return typeof raw === 'object' && raw !== null && (raw as Record<string, unknown>)[CONFIRM_FIELD] === '1';
}

/** What the staff member typed, so the page rendered with the question keeps it (one-time codes excepted). */
function echoedValues(raw: unknown): Record<string, string> {
  const source = raw instanceof FormData ? formDataToObject(raw) : typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'string' && key !== CONFIRM_FIELD && key !== 'stepUpCode' && value.length <= 1000) out[key] = value;
  }
  return out;
}

/** Form fields to an object; a name given more than once (a checkbox group) becomes an array. */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const values = form.getAll(key).filter((v): v is string => typeof v === 'string');
    if (values.length === 1) out[key] = values[0];
    else if (values.length > 1) out[key] = values;
  }
  return out;
}
