import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** Developers → the merchant API's OpenAPI document, and (admins) its keys. */
export async function MerchantApiLink({ canManageKeys }: { canManageKeys: boolean }) {
  const t = await getTranslations('apiKeys');
  return (
    <p className="mb-4 text-sm text-slate-700" data-testid="merchant-api-link">
      <Link href="/api/v1/openapi.json" className="font-medium text-blue-800 underline">
        {t('openapi')}
      </Link>{' '}
      — {t('developersHint')}
      {canManageKeys ? (
        <>
          {' '}
          <Link href="/dashboard/settings/api-keys" className="font-medium text-blue-800 underline">
            {t('manage')}
          </Link>
        </>
      ) : null}
    </p>
  );
}
