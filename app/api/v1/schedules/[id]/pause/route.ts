import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const POST = nextApiHandler('pauseSchedule');
export const GET = methodNotAllowed('POST');
