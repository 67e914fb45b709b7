'use server';

import { z } from 'zod';
import { resumeTokenRefresh } from '@/lib/agreements/resume-token-refresh';
import { staffAction } from '@/lib/auth/staff-action';

/** Developers → the token-refresh stop: an admin resumes refreshes after fixing the configuration. */
export const resumeTokenRefreshAction = staffAction({
  schema: z.object({}),
  permission: 'settings.manage',
  run: ({ db, actor }) => resumeTokenRefresh(db, actor),
  revalidate: '/dashboard/developers',
});
