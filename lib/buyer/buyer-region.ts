import { isPaymentMethodCode, PAYMENT_METHODS, type PaymentMethod } from '@/lib/alipay';

/** Languages whose speakers are mostly in one wallet region, for when only Accept-Language is known. */
const LANGUAGE_REGION: Record<string, string> = { ko: 'KR', ja: 'JP', th: 'TH', id: 'ID', ms: 'MY', vi: 'VN', fil: 'PH', tl: 'PH' };

export interface RegionSignals {
  explicit?: string | null;
  customerCountry?: string | null;
  /** Edge geo headers, e.g. CF-IPCountry, X-Vercel-IP-Country. */
  geoCountry?: string | null;
  acceptLanguage?: string | null;
}

const isRegion = (v: string | null | undefined): v is string => typeof v === 'string' && /^[A-Z]{2}$/.test(v) && v !== 'XX' && v !== 'T1';

/**
 * The buyer's region for ordering wallets: explicit choice > customer's country > edge geo header >
 * Accept-Language (a region subtag, else the language's main region). Null when nothing tells.
 */
export function resolveBuyerRegion(signals: RegionSignals): string | null {
  for (const candidate of [signals.explicit, signals.customerCountry, signals.geoCountry].map((v) => v?.trim().toUpperCase())) {
    if (isRegion(candidate)) return candidate;
  }
  for (const part of (signals.acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim() ?? '';
    const [language, ...rest] = tag.split('-');
    const region = rest.find((s) => /^[A-Za-z]{2}$/.test(s))?.toUpperCase();
    if (isRegion(region)) return region;
    const fromLanguage = language ? LANGUAGE_REGION[language.toLowerCase()] : undefined;
    if (fromLanguage) return fromLanguage;
  }
  return null;
}

/**
 * The merchant's contracted wallets split into those used in the buyer's region (first) and the rest,
 * each in catalogue order. Without a region every wallet is primary.
 */
export function orderWalletsForRegion(contracted: readonly string[], region: string | null): { primary: PaymentMethod[]; other: PaymentMethod[] } {
  const offered = PAYMENT_METHODS.filter((m) => contracted.includes(m.code) && isPaymentMethodCode(m.code));
  if (!region) return { primary: offered, other: [] };
  return { primary: offered.filter((m) => m.regions.includes(region)), other: offered.filter((m) => !m.regions.includes(region)) };
}
