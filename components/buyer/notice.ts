import { html } from '@/lib/html/html';

const TONES = {
  warning: { box: 'border-amber-300 bg-amber-50', text: 'text-amber-950', role: 'alert' },
  success: { box: 'border-green-300 bg-green-50', text: 'text-green-950', role: 'status' },
  neutral: { box: 'border-slate-300 bg-white', text: 'text-slate-900', role: 'status' },
} as const;

/** The main message of a result or problem page: a heading and a paragraph in a tinted box. */
export function notice(tone: keyof typeof TONES, title: string, body: string, extra?: unknown) {
  const s = TONES[tone];
  return html`<section role="${s.role}" class="rounded-xl border ${s.box} p-6">
<h1 class="text-xl font-semibold ${s.text}">${title}</h1>
<p class="mt-2 ${s.text}">${body}</p>${extra}
</section>`;
}

export function primaryLink(href: string, label: string) {
  return html`<a class="mt-4 inline-block rounded-lg bg-blue-700 px-4 py-3 font-medium text-white hover:bg-blue-800" href="${href}">${label}</a>`;
}

export function textLink(href: string, label: string) {
  return html`<a class="font-medium text-blue-800 underline" href="${href}">${label}</a>`;
}
