import { ZonedTime } from '@/components/ui/zoned-time';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { listStaffUsers } from '@/lib/staff/list-staff-users';
import { enrolledUserIds } from '@/lib/staff/two-factor/two-factor';
import { ResetSecondFactor } from './reset-second-factor';
import { CreateStaffUserForm } from './create-staff-user-form';
import { StaffUserActions } from './staff-user-actions';
import { DataTable } from '@/components/ui/data-table';

export const metadata: Metadata = { title: 'Staff' };

// GET /dashboard/settings/users — admins add, disable and re-role staff, and end their sessions.
export default async function StaffUsersPage() {
  const actor = await requireStaff('users.manage');
  const t = await getTranslations('users');
  const roles = await getTranslations('roles');
  const tf = await getTranslations('twoFactor');
  const db = await getDb();
  const users = await listStaffUsers(db, actor);
  const enrolled = await enrolledUserIds(db);
  const now = new Date();
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      <DataTable caption={t('title')} columns={[t('name'), t('role'), t('status'), t('sessions'), t('actions')]}>
        {users.map((user) => (
          <tr key={user.id} data-testid={`staff-row-${user.email}`} data-user-id={user.id}>
            <td className="px-4 py-3">
              <div className="font-medium">
                {user.name} {user.id === actor.userId ? <span className="text-slate-600">({t('you')})</span> : null}
              </div>
              <div className="text-slate-700">{user.email}</div>
              <div className="text-xs text-slate-600"><ZonedTime value={user.createdAt} /></div>
            </td>
            <td className="px-4 py-3">{roles(user.role)}</td>
            <td className="px-4 py-3">
              {user.disabledAt ? t('disabled') : user.lockedUntil && user.lockedUntil > now ? t('locked') : t('active')}
              <div className="text-xs text-slate-700" data-testid="second-factor-status">
                {tf('usersColumn')}: {enrolled.has(user.id) ? tf('usersEnrolled') : tf('usersNotEnrolled')}
              </div>
            </td>
            <td className="px-4 py-3">{user.activeSessions}</td>
            <td className="px-4 py-3">
              <StaffUserActions userId={user.id} email={user.email} role={user.role} disabled={user.disabledAt !== null} locked={user.lockedUntil !== null && user.lockedUntil > now} isSelf={user.id === actor.userId} />
              <div className="mt-2">
                <ResetSecondFactor userId={user.id} email={user.email} isSelf={user.id === actor.userId} />
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
      <section aria-labelledby="add-staff" className="mt-8 max-w-lg rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="add-staff" className="mb-4 text-lg font-semibold">{t('add')}</h2>
        <CreateStaffUserForm />
      </section>
    </>
  );
}
