/**
 * Tiny HTML helpers for the simulator's server-rendered pages. `esc` is applied to every interpolated
 * value; `page` sets the language, a viewport and a small inline style with WCAG-AA contrast.
 */
export function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Black or white, whichever contrasts more with `hex` (relative luminance, WCAG 2). */
export function textColorOn(hex: string): '#000000' | '#ffffff' {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m?.[1]) return '#ffffff';
  const n = parseInt(m[1], 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

export function page(opts: { lang: string; title: string; body: string; accent?: string }): string {
  const accent = opts.accent ?? '#1f4e79';
  const onAccent = textColorOn(accent);
  return `<!doctype html>
<html lang="${esc(opts.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f5f5f5;color:#1a1a1a;line-height:1.5}
header{background:${esc(accent)};color:${onAccent};padding:1rem 1.25rem}
header h1{margin:0;font-size:1.25rem}
main{max-width:44rem;margin:1rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #d0d0d0;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:2px solid ${esc(accent)};cursor:pointer}
button.primary{background:${esc(accent)};color:${onAccent}}
button.secondary{background:#fff;color:#1a1a1a;border-color:#555}
button:focus-visible,select:focus-visible,a:focus-visible{outline:3px solid #000;outline-offset:2px}
select{font:inherit;padding:.4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;border-bottom:1px solid #ddd;padding:.35rem .4rem;vertical-align:top}
code{background:#eee;padding:0 .2rem;border-radius:3px}
.muted{color:#4a4a4a}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1rem}
.error{border-color:#a30000;color:#a30000}
a{color:#0b4f8a}
</style>
</head>
<body>
${opts.body}
</body>
</html>`;
}
