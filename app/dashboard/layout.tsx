import { getTranslations } from 'next-intl/server';
import { HeaderSearch } from '@/components/dashboard/header-search';
import { NavLink } from '@/components/dashboard/nav-link';
import { SignOutButton } from '@/components/dashboard/sign-out-button';
import { LocaleSwitcher } from '@/components/locale-switcher';
import { StaffIntlProvider } from '@/components/staff-intl-provider';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { env, gatewayMode } from '@/lib/env';
import { getViewerZone } from '@/lib/time/viewer-zone';
import { gmtLabel } from '@/lib/time/zone';

const SECTIONS = ['overview', 'customers', 'agreements', 'schedules', 'payments', 'refunds', 'notifications', 'reconciliation', 'customs', 'developers', 'settings'] as const;

// Every /dashboard page: the shell with navigation and the header search; the session is checked here and again in each page.
// On a phone the navigation collapses into a <details> menu (works without JavaScript, keyboard-operable).
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireStaff();
  const t = await getTranslations();
  const config = env();
  const onSimulator = gatewayMode(config) === 'simulator';
  const zone = await getViewerZone();
  const links = (
    <ul className="flex flex-col gap-1">
      {SECTIONS.filter((section) => section !== 'settings' || can(actor.role, 'settings.manage')).map((section) => (
        <li key={section}>
          <NavLink href={section === 'overview' ? '/dashboard' : `/dashboard/${section}`}>{t(`nav.${section}`)}</NavLink>
        </li>
      ))}
      {can(actor.role, 'users.manage') ? (
        <li>
          <NavLink href="/dashboard/settings/users">{t('nav.users')}</NavLink>
        </li>
      ) : null}
      {can(actor.role, 'audit.read') ? (
        <li>
          <NavLink href="/dashboard/audit">{t('shell.audit')}</NavLink>
        </li>
      ) : null}
    </ul>
  );
  return (
    <div className="min-h-screen md:flex">
      {/* CJK glyphs for names like 王芳 (scripts/build-dashboard-fonts.ts): subsets load only when such characters are shown. */}
      {/* eslint-disable-next-line @next/next/no-css-tags -- a static public file of @font-face rules only, not a module stylesheet */}
      <link rel="stylesheet" href="/fonts/noto-sans-sc.css" precedence="default" />
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        {t('common.skipToContent')}
      </a>
      <header className="border-b border-slate-200 bg-white md:w-60 md:shrink-0 md:border-b-0 md:border-r">
        <div className="flex items-center justify-between px-4 py-3 md:py-4">
          <span className="text-lg font-semibold text-blue-900">{t('common.appName')}</span>
          <details className="group relative md:hidden">
            <summary className="flex min-h-10 cursor-pointer list-none items-center rounded-md border border-slate-300 px-3 text-sm font-medium text-slate-900">
              {t('shell.menu')}
            </summary>
            <nav aria-label={t('nav.label')} className="absolute right-0 z-20 mt-2 w-56 rounded-md border border-slate-200 bg-white p-2 shadow-lg">
              {links}
            </nav>
          </details>
        </div>
        <nav aria-label={t('nav.label')} className="hidden px-2 pb-2 md:block">
          {links}
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
      <div className="min-w-0 flex-1">
        {onSimulator ? (
          // On every staff page while payments go to the local simulator: production must never look live by mistake.
          <p role="note" data-testid="simulator-banner" className="border-b border-amber-300 bg-amber-100 px-4 py-2 text-sm font-medium text-amber-950">
            {t('shell.simulatorBanner', { url: config.ALIPAY_GATEWAY_URL })}
          </p>
        ) : null}
        {/* On a phone the search has its own row under the zone, language and sign-out, so nothing overlaps at 320 px. */}
        <div className="flex flex-wrap items-center justify-end gap-x-3 gap-y-2 border-b border-slate-200 bg-white px-4 py-2" data-testid="header-bar">
          <div className="order-last w-full sm:order-none sm:w-auto sm:min-w-0 sm:flex-1">
            <HeaderSearch label={t('search.label')} placeholder={t('search.placeholder')} submit={t('search.submit')} />
          </div>
          <span className="hidden text-sm text-slate-700 sm:inline md:hidden">{actor.email}</span>
          <a
            href="/dashboard/time-zone"
            data-testid="header-time-zone"
            title={t('timeZone.shown', { zone })}
            className="inline-flex min-h-10 max-w-full items-center rounded-md px-1 text-sm text-slate-800 underline decoration-slate-400 underline-offset-2 hover:text-blue-800"
          >
            <span className="sr-only">{t('timeZone.headerLabel')}: </span>
            {zone.split('/').pop()?.replaceAll('_', ' ')} ({gmtLabel(new Date(), zone)})
          </a>
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
