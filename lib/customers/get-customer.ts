import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { customers } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/is-uuid';

export interface CustomerDetail {
  id: string;
  reference: string;
  name: string;
  email: string | null;
  phone: string | null;
  country: string | null;
  preferredLanguage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One customer by id, or null (also for an id that is not a UUID, so a typed URL never reaches SQL as an error). */
export async function getCustomer(db: Db, id: string): Promise<CustomerDetail | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({
      id: customers.id,
      reference: customers.reference,
      name: customers.name,
      email: customers.email,
      phone: customers.phone,
      country: customers.country,
      preferredLanguage: customers.preferredLanguage,
      createdAt: customers.createdAt,
      updatedAt: customers.updatedAt,
    })
    .from(customers)
    .where(eq(customers.id, id))
    .limit(1);
  return row ?? null;
}
