import { describe, expect, it } from 'vitest';
import en from '@/messages/en/dashboard.json';
import zh from '@/messages/zh-CN/dashboard.json';
import { scheduleStatus } from '@/lib/db/schema';
import { SCHEDULE_EVENT_TYPES } from './schedule-events';

describe('schedule messages', () => {
  it('every timeline type and status has en and zh-CN words', () => {
    for (const m of [en.schedules, zh.schedules]) {
      for (const type of SCHEDULE_EVENT_TYPES) expect((m.event as Record<string, string>)[type], type).toBeTruthy();
      for (const status of scheduleStatus.enumValues) expect((m.status as Record<string, string>)[status], status).toBeTruthy();
    }
    expect(Object.keys(zh.schedules).sort()).toEqual(Object.keys(en.schedules).sort());
  });
});
