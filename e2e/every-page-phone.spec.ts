// Every staff page on a phone (issue 26), at 390 px and 320 px: no sideways scroll; no two pieces of text or
// controls in the header overlap (their boxes are measured); tables scroll inside their own box with the first
// column fixed; the payments list's first row is on the first screen; the Overview's chart numbers stay readable
// (tick labels at least 11 px, none on top of another); axe-clean. Then the dashboard's own CJK and Thai fonts:
// 王芳 and สมชาย render from the subset files (this machine has no system CJK or Thai font), and a page in
// English loads no Latin font file (only the CJK subsets of the language menu's "中文").
// Best with the demo rows (lists with rows, detail pages): E2E_DEMO_DATA=1 npx playwright test e2e/every-page-phone.spec.ts
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, expectAxeClean, signInOk } from './helpers';

const LIST_PAGES = [
  '/dashboard',
  '/dashboard?range=90d',
  '/dashboard/customers',
  '/dashboard/agreements',
  '/dashboard/payments',
  '/dashboard/payments?status=FAILED',
  '/dashboard/refunds',
  '/dashboard/schedules',
  '/dashboard/notifications',
  '/dashboard/reconciliation',
  '/dashboard/customs',
  '/dashboard/developers',
  '/dashboard/developers/failed-jobs',
  '/dashboard/settings',
  '/dashboard/settings/users',
  '/dashboard/settings/api-keys',
  '/dashboard/settings/webhooks',
  '/dashboard/time-zone',
  '/dashboard/audit',
  '/dashboard/search?q=santos',
  '/dashboard/export/payments?status=SUCCEEDED',
];

/** The first detail page each list links to (when the list has rows). */
const DETAIL_FROM = ['customers', 'agreements', 'payments', 'schedules', 'notifications'] as const;

const WIDTHS = [
  { width: 390, height: 844 },
  { width: 320, height: 640 },
] as const;

type Box = { what: string; x: number; y: number; width: number; height: number };

/** Boxes of every visible control and every run of text in the header bar (text measured as a Range, not its element). */
async function headerBoxes(page: Page): Promise<Box[]> {
  return page.getByTestId('header-bar').evaluate((bar) => {
    const out: { what: string; x: number; y: number; width: number; height: number }[] = [];
    const visible = (r: DOMRect) => r.width > 0 && r.height > 0;
    for (const el of bar.querySelectorAll<HTMLElement>('input, select, button, a, summary')) {
      const r = el.getBoundingClientRect();
      if (visible(r) && !el.closest('.sr-only') && getComputedStyle(el).visibility !== 'hidden') out.push({ what: `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? ''}`, x: r.x, y: r.y, width: r.width, height: r.height });
    }
    const walker = document.createTreeWalker(bar, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('.sr-only, option, select, button, a, summary')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (visible(r)) out.push({ what: `text "${text.slice(0, 30)}"`, x: r.x, y: r.y, width: r.width, height: r.height });
    }
    return out;
  });
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
const contains = (a: Box, b: Box) => a.x <= b.x + 1 && a.y <= b.y + 1 && a.x + a.width >= b.x + b.width - 1 && a.y + a.height >= b.y + b.height - 1;

async function expectPhoneFit(page: Page, url: string, width: number) {
  // No sideways scroll: wide tables scroll in their own box, the page does not.
  const overflow = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest('.overflow-x-auto'))
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)}`);
    return { by: document.documentElement.scrollWidth - w, culprits };
  });
  expect(overflow.by, `${url} at ${width} px scrolls sideways: ${overflow.culprits.join(' | ')}`).toBeLessThanOrEqual(1);

  // The header: everything inside the screen, nothing on top of anything else (a control may hold its own text).
  const boxes = await headerBoxes(page);
  expect(boxes.length, 'the header has controls').toBeGreaterThan(2);
  for (const box of boxes) expect(box.x + box.width, `${url} at ${width} px: ${box.what} inside the screen`).toBeLessThanOrEqual(width + 1);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      if (contains(a, b) || contains(b, a)) continue;
      expect(overlaps(a, b), `${url} at ${width} px: ${a.what} overlaps ${b.what}`).toBe(false);
    }
  }

  // Tables: in a box of their own that scrolls; when wider than it, the first column stays put.
  const tables = await page.evaluate(() =>
    [...document.querySelectorAll('main table')].map((table) => {
      const box = table.closest('.overflow-x-auto');
      const first = table.querySelector('tbody tr > :first-child');
      return {
        caption: table.querySelector('caption')?.textContent?.slice(0, 40) ?? '',
        inBox: box !== null,
        wider: box ? table.scrollWidth > box.clientWidth + 1 : false,
        sticky: first ? getComputedStyle(first).position === 'sticky' : true,
      };
    }),
  );
  for (const t of tables) {
    expect(t.inBox, `${url}: table "${t.caption}" scrolls in its own box`).toBe(true);
    if (t.wider) expect(t.sticky, `${url}: table "${t.caption}" keeps its first column in view`).toBe(true);
  }
  await expectAxeClean(page);
}

/** The Overview's charts: inside the screen, tick labels ≥ 11 px, and no two labels of one axis on top of each other. */
async function expectChartsReadable(page: Page, width: number) {
  const charts = await page.locator('.recharts-wrapper').evaluateAll((wrappers) =>
    wrappers.map((wrapper) => {
      const r = wrapper.getBoundingClientRect();
      const axes = [...wrapper.querySelectorAll('.recharts-cartesian-axis')].map((axis) =>
        [...axis.querySelectorAll('.recharts-cartesian-axis-tick text')].map((text) => {
          const b = text.getBoundingClientRect();
          return { text: text.textContent ?? '', size: parseFloat(getComputedStyle(text).fontSize), x: b.x, y: b.y, width: b.width, height: b.height };
        }),
      );
      return { right: r.right, axes };
    }),
  );
  for (const chart of charts) {
    expect(chart.right).toBeLessThanOrEqual(width + 1);
    for (const ticks of chart.axes) {
      for (const tick of ticks) expect(tick.size, `tick "${tick.text}" readable`).toBeGreaterThanOrEqual(11);
      for (let i = 0; i < ticks.length; i++) {
        for (let j = i + 1; j < ticks.length; j++) {
          const [a, b] = [ticks[i]!, ticks[j]!];
          expect(overlaps({ what: a.text, ...a }, { what: b.text, ...b }), `chart ticks "${a.text}" and "${b.text}" overlap at ${width} px`).toBe(false);
        }
      }
    }
  }
  return charts.length;
}

test.describe.configure({ mode: 'serial' });

for (const viewport of WIDTHS) {
  test(`every staff page at ${viewport.width} px: no sideways scroll, a header that fits, tables in their own box, axe-clean`, async ({ page }) => {
    test.setTimeout(420_000);
    await page.setViewportSize(viewport);
    await signInOk(page, ADMIN.email, ADMIN.password);
    const visit = async (url: string) => {
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
      await expectPhoneFit(page, url, viewport.width);
    };
    for (const url of LIST_PAGES) {
      await visit(url);
      if (url === '/dashboard?range=90d') await expectChartsReadable(page, viewport.width);
      if (url === '/dashboard/payments') {
        // Filters fold away: the list's first row (or its empty state) is on the first screen.
        const firstRow = page.getByTestId('payment-row').first();
        const first = (await firstRow.count()) > 0 ? firstRow : page.getByText(/No payments/).first();
        await expect(first).toBeInViewport();
      }
    }
    for (const list of DETAIL_FROM) {
      await page.goto(`/dashboard/${list}`);
      const link = page.locator(`main table tbody a[href^="/dashboard/${list}/"]`).first();
      if ((await link.count()) === 0) continue;
      await visit((await link.getAttribute('href'))!);
    }
  });
}

test('王芳 and สมชาย render in the dashboard from its own font subsets; an English page loads no Latin font', async ({ page }) => {
  test.setTimeout(120_000);
  await signInOk(page, ADMIN.email, ADMIN.password);
  // Font files the page fetched, weighed by the files the build wrote under public/.
  const fonts: { url: string; bytes: number }[] = [];
  page.on('request', (request) => {
    const pathname = new URL(request.url()).pathname;
    if (!pathname.endsWith('.woff2')) return;
    const file = path.join('public', pathname);
    fonts.push({ url: request.url(), bytes: existsSync(file) ? statSync(file).size : 0 });
  });
  await page.goto('/dashboard/settings/users');
  await page.waitForLoadState('networkidle');
  // An English page: no Latin font is fetched; only the CJK subsets for the language menu's own "中文" option.
  const englishBytes = fonts.reduce((n, f) => n + f.bytes, 0);
  expect(fonts.every((f) => /\/fonts\/noto-sans-sc-\d+-400-normal\.woff2$/.test(f.url)), fonts.map((f) => f.url).join(', ')).toBe(true);
  expect(englishBytes, 'font bytes on an English page').toBeLessThan(120_000);

  await page.goto('/dashboard/customers');
  await page.locator('main').evaluate((main) => {
    // The names as the demo data has them; added here so the check does not depend on which rows are listed.
    const p = document.createElement('p');
    p.lang = 'und';
    p.dataset.testid = 'font-probe';
    p.textContent = '王芳 李娜 张伟 สมชาย ใจดี';
    main.append(p);
  });
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready;
    const cjk = await document.fonts.load('16px "Daikou SC"', '王芳');
    const thai = await document.fonts.load('16px "Daikou Thai"', 'สมชาย');
    return { cjk: cjk.length, thai: thai.length, cjkOk: document.fonts.check('16px "Daikou SC"', '王芳'), thaiOk: document.fonts.check('16px "Daikou Thai"', 'สมชาย') };
  });
  expect(loaded).toEqual({ cjk: expect.any(Number), thai: expect.any(Number), cjkOk: true, thaiOk: true });
  expect(loaded.cjk).toBeGreaterThan(0);
  expect(loaded.thai).toBeGreaterThan(0);
  // Not tofu: the two Han characters are drawn as two distinct, full-width glyphs of the font.
  const widths = await page.getByTestId('font-probe').evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    canvas.font = '16px "Daikou SC"';
    const han = [canvas.measureText('王').width, canvas.measureText('芳').width];
    canvas.font = '16px "Daikou Thai"';
    return { han, thai: canvas.measureText('สมชาย').width };
  });
  for (const w of widths.han) expect(w).toBeGreaterThan(12);
  expect(widths.thai).toBeGreaterThan(20);
  await page.waitForLoadState('networkidle');
  // Subsets only: the page's font files stay small (the whole Noto Sans SC is several megabytes).
  const total = fonts.reduce((n, f) => n + f.bytes, 0);
  expect(fonts.length).toBeGreaterThan(0);
  expect(total, `font bytes on the page: ${fonts.map((f) => `${new URL(f.url).pathname} ${f.bytes}`).join(', ')}`).toBeLessThan(400_000);
});
