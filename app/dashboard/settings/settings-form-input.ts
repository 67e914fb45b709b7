import { z } from 'zod';
import { CURRENCY_CODES } from '@/lib/money';
import { updateMerchantSettingsInput } from '@/lib/settings/update-merchant-settings';

/** Checkbox names are `method.<CODE>`: one key per wallet, because the action wrapper keeps one value per form key. */
export const METHOD_FIELD_PREFIX = 'method.';

/** Limits as the form shows them: one `CUR=minor` per line, sorted by currency. */
export function refundLimitsToText(limits: Readonly<Record<string, string>>): string {
  return Object.entries(limits)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => `${currency}=${minor}`)
    .join('\n');
}

/** One `CUR=minor` per line into a limits map; each bad line is an issue on `field`. */
function parseLimits(text: string, field: 'refundLimits' | 'chargeLimits', ctx: z.RefinementCtx): Record<string, string> {
  const limits: Record<string, string> = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const match = /^([A-Za-z]{3})\s*=\s*(\d{1,16})$/.exec(trimmed);
    const currency = match?.[1]?.toUpperCase();
    if (!match || !currency) {
      ctx.addIssue({ code: 'custom', path: [field], message: `Line ${index + 1}: write CURRENCY=minor units, e.g. PHP=500000.` });
    } else if (!(CURRENCY_CODES as readonly string[]).includes(currency)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `Line ${index + 1}: ${currency} is not a supported currency.` });
    } else if (currency in limits) {
      ctx.addIssue({ code: 'custom', path: [field], message: `Line ${index + 1}: ${currency} is listed twice.` });
    } else {
      limits[currency] = BigInt(match[2]!).toString();
    }
  }
  return limits;
}

/**
 * The settings form's fields (merchant name, `method.<CODE>` checkboxes, the `refundLimits` and
 * `chargeLimits` textareas) turned into `updateMerchantSettingsInput`. Unchecked boxes are absent from a form
 * post, so the ticked ones are the whole contracted list; an empty textarea clears every limit of its kind.
 * A form without a `chargeLimits` field leaves the charge limits as they are.
 */
export const settingsFormInput = z
  .looseObject({ merchantName: z.string(), refundLimits: z.string().optional(), chargeLimits: z.string().optional() })
  .transform((raw, ctx): z.input<typeof updateMerchantSettingsInput> => {
    const contractedMethods = Object.keys(raw)
      .filter((key) => key.startsWith(METHOD_FIELD_PREFIX))
      .map((key) => key.slice(METHOD_FIELD_PREFIX.length));
    const operatorRefundLimits = parseLimits(raw.refundLimits ?? '', 'refundLimits', ctx);
    const operatorChargeLimits = raw.chargeLimits === undefined ? undefined : parseLimits(raw.chargeLimits, 'chargeLimits', ctx);
    return { merchantName: raw.merchantName, contractedMethods, operatorRefundLimits, ...(operatorChargeLimits ? { operatorChargeLimits } : {}) };
  })
  .pipe(updateMerchantSettingsInput);
