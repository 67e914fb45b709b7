import { getTranslations } from 'next-intl/server';
import { NavLink } from '@/components/dashboard/nav-link';
import { SignOutButton } from '@/components/dashboard/sign-out-button';
import { LocaleSwitcher } from '@/components/locale-switcher';
import { StaffIntlProvider } from '@/components/staff-intl-provider';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';

const SECTIONS = ['overview', 'customers', 'agreements', 'payments', 'refunds', 'notifications', 'reconciliation', 'developers', 'settings'] as const;

// Every /dashboard page: the shell with navigation; the session is checked here and again in each page.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireStaff();
  const t = await getTranslations();
  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        {t('common.skipToContent')}
      </a>
      <header className="border-b border-slate-200 bg-white md:w-60 md:shrink-0 md:border-b-0 md:border-r">
        <div className="flex items-center justify-between px-4 py-4">
          <span className="text-lg font-semibold text-blue-900">{t('common.appName')}</span>
        </div>
        <nav aria-label={t('nav.label')} className="overflow-x-auto px-2 pb-2">
          <ul className="flex gap-1 md:flex-col">
            {SECTIONS.map((section) => (
              <li key={section}>
                <NavLink href={section === 'overview' ? '/dashboard' : `/dashboard/${section}`}>{t(`nav.${section}`)}</NavLink>
              </li>
            ))}
            {can(actor.role, 'users.manage') ? (
              <li>
                <NavLink href="/dashboard/settings/users">{t('nav.users')}</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="hidden space-y-3 border-t border-slate-200 px-4 py-4 text-sm md:block">
          <p className="truncate text-slate-800" title={actor.email}>
            {actor.name}
            <span className="block text-xs text-slate-600">
              {actor.email} · {t(`roles.${actor.role}`)}
            </span>
          </p>
          <SignOutButton label={t('common.signOut')} />
        </div>
      </header>
      <div className="flex-1">
        <div className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-4 py-2">
          <span className="text-sm text-slate-700 md:hidden">{actor.email}</span>
          <LocaleSwitcher />
          <span className="md:hidden">
            <SignOutButton label={t('common.signOut')} />
          </span>
        </div>
        <main id="main" className="mx-auto max-w-6xl px-4 py-8">
          <StaffIntlProvider>{children}</StaffIntlProvider>
        </main>
      </div>
    </div>
  );
}
