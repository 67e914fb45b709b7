'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { getDb } from '@/lib/db';
import { formatAmount } from '@/lib/money';
import { checkScheduleDraft, createSchedule, type ScheduleDraft } from '@/lib/schedules/create-schedule';
import type { ServiceResult } from '@/lib/service-result';
import { cancelSchedule, pauseSchedule, resumeSchedule } from '@/lib/schedules/manage-schedule';

export interface SchedulePreview {
  saved: boolean;
  scheduleId: string | null;
  preview: string[];
  amount: string;
}

const optionalInt = z
  .string()
  .max(10)
  .optional()
  .transform((v) => (v && v.trim() !== '' ? Number(v.trim()) : null));

/**
 * "Create schedule" on the agreement page: `intent=preview` answers the next five dates without saving; `create`
 * saves (the service checks the permission, the agreement and the wallet's rules again).
 */
export const scheduleFormAction = staffAction({
  schema: z.object({
    intent: z.enum(['preview', 'create']),
    agreementId: z.uuid(),
    amount: z.string().max(40),
    description: z.string().max(300),
    intervalUnit: z.string().max(10),
    intervalCount: optionalInt,
    anchorDay: optionalInt,
    startDate: z.string().max(20),
    endDate: z.string().max(20).optional(),
    maxPeriods: optionalInt,
    timeZone: z.string().max(64).optional(),
    catchUp: z.string().optional(),
  }),
  permission: 'schedules.manage',
  run: async ({ actor }, input): Promise<ServiceResult<SchedulePreview, string>> => {
    const draft: ScheduleDraft = {
      agreementId: input.agreementId,
      amount: input.amount,
      description: input.description,
      intervalUnit: input.intervalUnit,
      intervalCount: input.intervalCount ?? 1,
      anchorDay: input.anchorDay,
      startDate: input.startDate,
      endDate: input.endDate || null,
      maxPeriods: input.maxPeriods,
      timeZone: input.timeZone || null,
      catchUp: input.catchUp === 'on',
    };
    const db = await getDb();
    const checked = await checkScheduleDraft(db, draft, new Date());
    if (!checked.ok) return checked;
    const preview = checked.data.preview.map((p) => p.date);
    const amount = formatAmount(checked.data.amountMinor, checked.data.currency);
    if (input.intent === 'preview') return { ok: true, data: { saved: false, scheduleId: null, preview, amount } };
    const made = await createSchedule(db, actor, draft);
    if (!made.ok) return made;
    revalidatePath(`/dashboard/agreements/${input.agreementId}`);
    return { ok: true, data: { saved: true, scheduleId: made.data.id, preview, amount } };
  },
});

export const pauseScheduleAction = staffAction({
  schema: z.object({ scheduleId: z.uuid(), reason: z.string().max(200).optional() }),
  permission: 'schedules.manage',
  run: async ({ actor }, input) => {
    const result = await pauseSchedule(await getDb(), actor, input.scheduleId, input.reason ?? null);
    revalidatePath(`/dashboard/schedules/${input.scheduleId}`);
    return result.ok ? { ok: true, data: { status: result.data.status } } : result;
  },
});

export const resumeScheduleAction = staffAction({
  schema: z.object({ scheduleId: z.uuid(), backBill: z.string().optional() }),
  permission: 'schedules.manage',
  run: async ({ actor }, input) => {
    const result = await resumeSchedule(await getDb(), actor, input.scheduleId, { backBill: input.backBill === 'on' });
    revalidatePath(`/dashboard/schedules/${input.scheduleId}`);
    return result.ok ? { ok: true, data: { status: result.data.status } } : result;
  },
});

/** Cancel now or at the period's end: destructive, so it acts only on the "Yes, …" of the question (confirm=1). */
export const cancelScheduleAction = staffAction({
  schema: z.object({ scheduleId: z.uuid(), when: z.enum(['now', 'period_end']) }),
  permission: 'schedules.manage',
  confirm: true,
  run: async ({ actor }, input) => {
    const result = await cancelSchedule(await getDb(), actor, input.scheduleId, input.when);
    revalidatePath(`/dashboard/schedules/${input.scheduleId}`);
    return result.ok ? { ok: true, data: { status: result.data.status } } : result;
  },
});
