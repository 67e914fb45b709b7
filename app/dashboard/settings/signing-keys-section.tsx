import { getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import { STICKY_FIRST_COLUMN } from '@/components/ui/data-table';
import { env } from '@/lib/env';
import { checkSigningKeys } from '@/lib/notifications/check-signing-keys';

/** Settings → keys: each key's fingerprint and the sign / verify self-test, in plain words. */
export async function SigningKeysSection() {
  const t = await getTranslations('settings.keys');
  const config = env();
  const check = checkSigningKeys({
    merchantPrivateKey: config.ALIPAY_MERCHANT_PRIVATE_KEY,
    merchantKeyVersion: config.ALIPAY_KEY_VERSION,
    antomKeys: [
      { keyVersion: config.ALIPAY_PUBLIC_KEY_VERSION, pem: config.ALIPAY_PUBLIC_KEY },
      ...(config.ALIPAY_PUBLIC_KEY_2_VERSION ? [{ keyVersion: config.ALIPAY_PUBLIC_KEY_2_VERSION, pem: config.ALIPAY_PUBLIC_KEY_2 }] : []),
    ],
  });
  return (
    <section aria-labelledby="signing-keys" className="mt-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="signing-keys" className="text-base font-semibold text-slate-900">
        {t('title')}
      </h2>
      <p className="mt-2 text-sm" data-testid="key-self-test">
        <Badge tone={check.selfTest === 'passed' ? 'green' : 'red'}>{t(`selfTest.${check.selfTest}`)}</Badge>
      </p>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-800">
        {check.verdict.map((line) => (
          <li key={line.key + JSON.stringify(line.values ?? {})}>{t(`verdict.${line.key}`, line.values ?? {})}</li>
        ))}
      </ul>
      {/* Focusable and named: on a phone this box scrolls sideways (axe scrollable-region-focusable); relative keeps the sr-only caption inside it. */}
      <div className="relative mt-4 overflow-x-auto" tabIndex={0} role="region" aria-label={t('caption')}>
        <table className={`min-w-full text-left text-sm ${STICKY_FIRST_COLUMN}`}>
          <caption className="sr-only">{t('caption')}</caption>
          <thead>
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-2 pr-4 font-medium text-slate-700">{t('role')}</th>
              <th scope="col" className="py-2 pr-4 font-medium text-slate-700">{t('version')}</th>
              <th scope="col" className="py-2 pr-4 font-medium text-slate-700">{t('fingerprint')}</th>
              <th scope="col" className="py-2 font-medium text-slate-700">{t('size')}</th>
            </tr>
          </thead>
          <tbody>
            {check.keys.map((k) => (
              <tr key={`${k.role}-${k.keyVersion}`} className="border-b border-slate-100" data-testid="signing-key-row">
                <td className="py-2 pr-4">{t(`roles.${k.role}`)}</td>
                <td className="py-2 pr-4 font-mono">{k.keyVersion}</td>
                <td className="py-2 pr-4 font-mono text-xs break-all">{k.fingerprint ?? t('unusable')}</td>
                <td className="py-2 whitespace-nowrap">{k.bits ? t('bits', { bits: k.bits }) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
