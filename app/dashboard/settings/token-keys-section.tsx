import { getTranslations } from 'next-intl/server';
import { OneClickActionForm } from '@/components/dashboard/one-click-action-form';
import { Badge } from '@/components/ui/badge';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import { getTokenKeyStatus } from '@/lib/settings/token-key-status';
import { requestResealAction } from './actions';

/** Settings → token encryption keys: the keyring's versions, how many secrets are still on an old key, re-seal progress. */
export async function TokenKeysSection({ canManage }: { canManage: boolean }) {
  const t = await getTranslations('settings.tokenKeys');
  const status = await getTokenKeyStatus(await getDb(), getTokenVault());
  const progress = status.progress;
  return (
    <section aria-labelledby="token-keys" className="mt-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="token-keys" className="text-base font-semibold text-slate-900">
        {t('title')}
      </h2>
      <p className="mt-2 text-sm text-slate-800">{t('versions', { versions: status.versions.join(', '), newest: status.newest })}</p>
      <p className="mt-2 text-sm" data-testid="secrets-on-old-keys">
        <Badge tone={status.onOldKeys === 0 ? 'green' : 'amber'}>{t('onOldKeys', { count: status.onOldKeys })}</Badge>
      </p>
      {progress ? (
        <p className="mt-2 text-sm text-slate-700">
          {progress.finishedAt
            ? t('progressDone', { done: progress.done, failed: progress.failed, target: progress.targetVersion, at: progress.finishedAt })
            : t('progressRunning', { done: progress.done, remaining: progress.remaining, target: progress.targetVersion })}
        </p>
      ) : null}
      {canManage && status.onOldKeys > 0 ? (
        <OneClickActionForm action={requestResealAction} testId="reseal-now" labels={{ submit: t('resealNow'), pending: t('resealPending'), hint: t('resealHint'), done: t('resealQueued') }} />
      ) : null}
    </section>
  );
}
