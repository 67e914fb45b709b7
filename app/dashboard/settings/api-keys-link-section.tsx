import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** Settings → merchant API: where the keys are managed and the API is described. */
export async function ApiKeysLinkSection() {
  const t = await getTranslations('apiKeys');
  return (
    <section aria-labelledby="merchant-api" className="mt-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="merchant-api" className="text-base font-semibold text-slate-900">
        {t('sectionTitle')}
      </h2>
      <p className="mt-2 text-sm text-slate-800">{t('sectionIntro')}</p>
      <p className="mt-2 flex flex-wrap gap-4 text-sm">
        <Link href="/dashboard/settings/api-keys" className="font-medium text-blue-800 underline">
          {t('manage')}
        </Link>
        <Link href="/dashboard/settings/webhooks" className="font-medium text-blue-800 underline">
          {t('webhooks')}
        </Link>
        <Link href="/api/v1/openapi.json" className="font-medium text-blue-800 underline">
          {t('openapi')}
        </Link>
      </p>
    </section>
  );
}
