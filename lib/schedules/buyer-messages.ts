import { createTranslator } from 'next-intl';
import { DEFAULT_LOCALE, isLocale, type Locale } from '@/i18n/locales';
import en from '@/messages/en/buyer.json';
import fil from '@/messages/fil/buyer.json';
import id from '@/messages/id/buyer.json';
import ja from '@/messages/ja/buyer.json';
import ko from '@/messages/ko/buyer.json';
import ms from '@/messages/ms/buyer.json';
import th from '@/messages/th/buyer.json';
import vi from '@/messages/vi/buyer.json';
import zhCN from '@/messages/zh-CN/buyer.json';
import zhHK from '@/messages/zh-HK/buyer.json';
import type { BuyerTranslate } from './plan-words';

/**
 * The buyer messages outside a request (the worker's emails): the same files the buyer pages read, English under
 * each language for a key it lacks, as i18n/request.ts merges them.
 */
const BUYER: Record<Locale, { buyer: Record<string, unknown> }> = { en, fil, id, ja, ko, ms, th, vi, 'zh-CN': zhCN, 'zh-HK': zhHK };

type Messages = Record<string, unknown>;

function merge(base: Messages, override: Messages): Messages {
  const out: Messages = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = out[key];
    out[key] = value && typeof value === 'object' && existing && typeof existing === 'object' ? merge(existing as Messages, value as Messages) : value;
  }
  return out;
}

/** The customer's language of the ten buyer languages (English when they have none or another). */
export function buyerLocale(preferred: string | null | undefined): Locale {
  return isLocale(preferred) ? preferred : DEFAULT_LOCALE;
}

/** A translator of the `buyer` namespace in `locale` (`strict`: a missing or malformed message throws; tests). */
export function buyerTranslator(locale: Locale, options: { strict?: boolean } = {}): BuyerTranslate {
  const messages = locale === 'en' ? BUYER.en : merge(BUYER.en, BUYER[locale]);
  const onError = options.strict
    ? (error: Error) => {
        throw error;
      }
    : undefined;
  const t = createTranslator({ locale, messages: messages as Messages, timeZone: 'UTC', ...(onError ? { onError } : {}) }) as unknown as BuyerTranslate;
  return (key, values) => t(`buyer.${key}`, values);
}
