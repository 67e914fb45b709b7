import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { merchantSettings } from '@/lib/db/schema';
import type { ServiceResult } from '@/lib/service-result';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';

/** Which buyer emails about schedules go out (lib/schedules/schedule-emails.ts), and how early the reminder. */
export interface ScheduleEmailSettings {
  reminder: boolean;
  reminderDays: number;
  receipt: boolean;
  failed: boolean;
}

export const MAX_REMINDER_DAYS = 30;

export async function getScheduleEmailSettings(db: Db): Promise<ScheduleEmailSettings> {
  const s = await getMerchantSettings(db);
  return { reminder: s.emailReminderEnabled, reminderDays: s.emailReminderDays, receipt: s.emailReceiptEnabled, failed: s.emailFailedEnabled };
}

/** Admins turn each message on or off and set the reminder's days before the due date (1–30). Audited. */
export async function updateScheduleEmailSettings(db: Db, actor: Actor, input: ScheduleEmailSettings): Promise<ServiceResult<ScheduleEmailSettings, 'reminder_days_invalid'>> {
  assertCan(actor, 'settings.manage');
  if (!Number.isInteger(input.reminderDays) || input.reminderDays < 1 || input.reminderDays > MAX_REMINDER_DAYS) {
    const error = `Send the reminder 1 to ${MAX_REMINDER_DAYS} days before the charge.`;
    return { ok: false, code: 'reminder_days_invalid', error, fieldErrors: { reminderDays: [error] } };
  }
  const before = await getScheduleEmailSettings(db);
  const values = { emailReminderEnabled: input.reminder, emailReminderDays: input.reminderDays, emailReceiptEnabled: input.receipt, emailFailedEnabled: input.failed, updatedAt: new Date() };
  await db.transaction(async (tx) => {
    await tx.insert(merchantSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: merchantSettings.id, set: values });
    await recordAudit(tx, actor, { action: 'settings.schedule_emails', objectType: 'merchant_settings', objectId: '1', before, after: { ...input } });
  });
  return { ok: true, data: { ...input } };
}
