import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const POST = nextApiHandler('resumeSchedule');
export const GET = methodNotAllowed('POST');
