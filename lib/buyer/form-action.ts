import { env } from '@/lib/env';

/**
 * CSP `form-action` sources for every page: our own origin, plus — for buyer pages only — where a buyer
 * form's answer may redirect: the start route answers 303 to the wallet, and Chrome applies form-action
 * to redirects after a form submission. Those are the gateway's origin (the local simulator serves its
 * wallet pages there) and the merchant-configured BUYER_WALLET_ORIGINS (the wallets' own https origins and
 * app schemes such as `gcash:`, which Antom's consult answers point to; not published, so configured).
 */
export function formActionSources(pathname: string): string {
  if (!pathname.startsWith('/authorize/')) return "form-action 'self'";
  const config = env();
  const origins = new Set<string>();
  // While no gateway is configured, ALIPAY_GATEWAY_URL is the local simulator's (scripts/load-config.ts).
  origins.add(new URL(config.ALIPAY_GATEWAY_URL).origin);
  for (const source of config.BUYER_WALLET_ORIGINS) origins.add(source);
  return ["form-action 'self'", ...origins].join(' ');
}
