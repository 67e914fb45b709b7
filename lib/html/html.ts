/**
 * A tiny escaping HTML template for pages that ship no JavaScript (the buyer pages): every interpolated
 * value is escaped unless it is already `SafeHtml` built by this same tag. Arrays are joined; null,
 * undefined and false render nothing. There is no other way to put raw text into the output than `raw()`,
 * which is for constant markup only.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Constant, trusted markup only (never user or translated text). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
