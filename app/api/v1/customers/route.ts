import { nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const POST = nextApiHandler('createCustomer');
export const GET = nextApiHandler('listCustomers');
