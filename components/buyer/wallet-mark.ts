import type { PaymentMethod } from '@/lib/alipay';
import { html } from '@/lib/html/html';

/** The wallet's mark: its initials on its brand colour. Decorative; the name is always written beside it. */
export function walletMark(method: PaymentMethod) {
  const initials = method.nameEn
    .replace(/[^A-Za-z0-9 ]/g, '')
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return html`<svg width="40" height="40" viewBox="0 0 40 40" aria-hidden="true" focusable="false" class="shrink-0"><circle cx="20" cy="20" r="20" fill="${method.brandColor}"/><text x="20" y="25" text-anchor="middle" font-size="14" font-weight="700" fill="#ffffff" font-family="system-ui, sans-serif">${initials}</text></svg>`;
}
