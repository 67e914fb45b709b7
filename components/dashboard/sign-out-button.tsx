'use client';

import { signOut } from 'next-auth/react';

export function SignOutButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      onClick={() => void signOut({ callbackUrl: '/sign-in' })}
      className="rounded-md px-3 py-2 text-sm text-slate-800 hover:bg-slate-100"
    >
      {label}
    </button>
  );
}
