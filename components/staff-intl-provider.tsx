import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';

/** Namespaces the staff pages' client components translate with. */
const CLIENT_NAMESPACES = ['signIn', 'users', 'roles', 'customers', 'agreements', 'settings', 'charge', 'twoFactor', 'apiKeys', 'webhooks', 'schedules'] as const;

/**
 * Gives staff client components their messages. Kept out of the root layout so buyer pages (which have
 * no client components) do not ship next-intl's client runtime — about 50 kB gzipped.
 */
export async function StaffIntlProvider({ children }: { children: React.ReactNode }) {
  const messages = await getMessages();
  const clientMessages = Object.fromEntries(CLIENT_NAMESPACES.filter((n) => n in messages).map((n) => [n, messages[n]]));
  return <NextIntlClientProvider messages={clientMessages}>{children}</NextIntlClientProvider>;
}
