import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Actor } from './actor';

// staffAction's collaborators outside this module: the session (getCurrentActor), the database handle and Next's
// cache. The session is whatever each test says; the database is never opened (the `run` below does not use it).
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock('./current-actor', () => ({ getCurrentActor: async () => session.actor }));
vi.mock('@/lib/db', () => ({ getDb: async () => ({ fake: 'db' }) }));
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock('next/cache', () => ({ revalidatePath }));

const { staffAction, CONFIRM_FIELD } = await import('./staff-action');
const { ForbiddenError } = await import('./permissions');

const actor = (role: Actor['role']): Actor => ({ userId: 'u1', email: 'a@example.com', name: 'A', role, sessionId: 's1', ip: null, userAgent: null });
const PAYMENT = '7d4f2a8e-6a7b-4c1d-9e2f-0a1b2c3d4e5f';

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

describe('staffAction({ confirm: true })', () => {
  const run = vi.fn(async (_context: unknown, input: { paymentId: string; reason: string }) => ({ ok: true as const, data: { cancelled: input.paymentId } }));
  const cancel = staffAction({
    schema: z.object({ paymentId: z.uuid(), reason: z.string().min(1).max(200) }),
    permission: 'payments.cancel',
    confirm: true,
    run,
    revalidate: '/dashboard/payments',
  });

  beforeEach(() => {
    session.actor = actor('operator');
    run.mockClear();
    revalidatePath.mockClear();
  });

  it('refuses without the confirmation field, echoes what was typed, and does not run the service', async () => {
    const result = await cancel(null, form({ paymentId: PAYMENT, reason: 'Charged twice', stepUpCode: '123456' }));
    expect(result).toEqual({
      ok: false,
      code: 'confirm_required',
      error: 'Confirm this action first.',
      values: { paymentId: PAYMENT, reason: 'Charged twice' },
    });
    expect(run).not.toHaveBeenCalled();
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it('refuses a confirmation field with any value but "1" (form or plain object)', async () => {
    for (const value of ['0', 'yes', 'true', '']) {
      expect(await cancel(null, form({ paymentId: PAYMENT, reason: 'x', [CONFIRM_FIELD]: value }))).toMatchObject({ code: 'confirm_required' });
    }
    expect(await cancel({ paymentId: PAYMENT, reason: 'x', confirm: true })).toMatchObject({ code: 'confirm_required' });
    expect(await cancel({ paymentId: PAYMENT, reason: 'x' })).toMatchObject({ code: 'confirm_required' });
    expect(run).not.toHaveBeenCalled();
  });

  it('proceeds with confirm=1, as a useActionState reducer and as a plain call, passing the parsed input only', async () => {
    expect(await cancel(null, form({ paymentId: PAYMENT, reason: 'Charged twice', [CONFIRM_FIELD]: '1' }))).toEqual({ ok: true, data: { cancelled: PAYMENT } });
    expect(run).toHaveBeenCalledTimes(1);
    const [context, input] = run.mock.calls[0]!;
    expect(context).toEqual({ db: { fake: 'db' }, actor: actor('operator') });
    expect(input).toEqual({ paymentId: PAYMENT, reason: 'Charged twice' });
    expect(revalidatePath).toHaveBeenCalledWith('/dashboard/payments');

    expect(await cancel({ paymentId: PAYMENT, reason: 'Again', confirm: '1' })).toMatchObject({ ok: true });
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('still checks the session first, confirmed or not', async () => {
    session.actor = null;
    for (const fields of [{ paymentId: PAYMENT, reason: 'x' }, { paymentId: PAYMENT, reason: 'x', [CONFIRM_FIELD]: '1' }] as Record<string, string>[]) {
      expect(await cancel(null, form(fields))).toMatchObject({ ok: false, code: 'unauthenticated' });
    }
    expect(run).not.toHaveBeenCalled();
  });

  it('still checks the role before anything else about the request', async () => {
    session.actor = actor('viewer');
    // Forbidden even with a confirmed, valid form, and with an invalid unconfirmed one (the role learns nothing).
    expect(await cancel(null, form({ paymentId: PAYMENT, reason: 'x', [CONFIRM_FIELD]: '1' }))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await cancel(null, form({ paymentId: 'nope' }))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(run).not.toHaveBeenCalled();
  });

  it('still validates the input: a confirmed but invalid form is invalid_input, and invalid input is reported before asking', async () => {
    const confirmed = await cancel(null, form({ paymentId: 'not-a-uuid', reason: '', [CONFIRM_FIELD]: '1' }));
    expect(confirmed).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(Object.keys((confirmed as { fieldErrors: Record<string, string[]> }).fieldErrors).sort()).toEqual(['paymentId', 'reason']);
    expect(await cancel(null, form({ paymentId: 'not-a-uuid', reason: 'x' }))).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(run).not.toHaveBeenCalled();
  });

  it('turns a ForbiddenError thrown by the service into a forbidden result', async () => {
    const thrower = staffAction({
      schema: z.object({ id: z.string() }),
      permission: 'payments.cancel',
      confirm: true,
      run: async () => {
        throw new ForbiddenError('refunds.create');
      },
    });
    const result = await thrower(null, form({ id: 'a', [CONFIRM_FIELD]: '1' }));
    expect(result).toEqual({ ok: false, code: 'forbidden', error: 'Your role does not allow this (refunds.create).' });
  });
});

describe('staffAction without confirm', () => {
  it('runs on the first press (no confirmation field needed)', async () => {
    session.actor = actor('admin');
    const run = vi.fn(async () => ({ ok: true as const, data: 1 }));
    const action = staffAction({ schema: z.object({ id: z.string() }), permission: 'payments.cancel', run });
    expect(await action(null, form({ id: 'a' }))).toEqual({ ok: true, data: 1 });
    expect(run).toHaveBeenCalledTimes(1);
  });
});
