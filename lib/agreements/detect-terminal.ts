export type BuyerTerminal = { terminalType: 'WEB' | 'WAP' | 'APP'; osType?: 'IOS' | 'ANDROID' };

/**
 * WEB for desktop browsers, WAP for mobile browsers, APP when the merchant's app opens the link with
 * `?app=1`. osType (required by consult for WAP and APP) from the user agent; an unknown mobile OS is
 * reported as ANDROID, the more common one in the wallets' markets.
 */
export function detectTerminal(userAgent: string | null | undefined, appFlag: boolean): BuyerTerminal {
  const ua = userAgent ?? '';
  const ios = /iPhone|iPad|iPod/i.test(ua);
  const android = /Android/i.test(ua);
  const mobile = ios || android || /Mobile|Opera Mini|IEMobile/i.test(ua);
  if (appFlag) return { terminalType: 'APP', osType: ios ? 'IOS' : 'ANDROID' };
  if (mobile) return { terminalType: 'WAP', osType: ios ? 'IOS' : 'ANDROID' };
  return { terminalType: 'WEB' };
}
