'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const active = href === '/dashboard' ? pathname === href : pathname.startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={`block whitespace-nowrap rounded-md px-3 py-2 text-sm ${active ? 'bg-blue-50 font-semibold text-blue-900' : 'text-slate-800 hover:bg-slate-100'}`}
    >
      {children}
    </Link>
  );
}
