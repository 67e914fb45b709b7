import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, customers, payments } from '@/lib/db/schema';
import { formatAmount, isCurrencyCode, isMoneyError, parseAmount } from '@/lib/money';
import { containsPattern, foldForSearch, prefixPattern } from '@/lib/text/search-fold';
import { searchById, type SearchHitKind } from './search-by-id';

export interface SearchResult {
  kind: SearchHitKind;
  id: string;
  /** What matched: an id field, "name", "email", "phone", "amount", "loginPrefix". */
  matched: string;
  /** The text shown, with `highlight` = [start, end) in UTF-16 units of the part that matched (null: none). */
  text: string;
  highlight: [number, number] | null;
  /** Secondary line (reference, email, currency …), shown as is. */
  detail: string | null;
  href: string;
  createdAt?: Date;
}

export const SEARCH_LIMIT_PER_KIND = 10;

/** "125.50 PHP", "PHP 125.50", "php125.5", "1,250 php". */
const AMOUNT = /^(?:([A-Za-z]{3})\s*([0-9][0-9,]*(?:\.[0-9]+)?)|([0-9][0-9,]*(?:\.[0-9]+)?)\s*([A-Za-z]{3}))$/;

export function parseAmountQuery(q: string): { currency: string; minor: bigint } | null {
  const m = AMOUNT.exec(q.trim());
  if (!m) return null;
  const currency = (m[1] ?? m[4])!.toUpperCase();
  const amount = (m[2] ?? m[3])!.replaceAll(',', '');
  if (!isCurrencyCode(currency)) return null;
  try {
    return { currency, minor: parseAmount(amount, currency) };
  } catch (error) {
    if (isMoneyError(error)) return null;
    throw error;
  }
}

/**
 * Where `folded query` sits in `value`, in `value`'s own UTF-16 offsets. The fold maps one code point to one
 * (search-fold.ts), so offsets in the folded text are offsets in the original once both are NFC.
 */
export function highlightOf(value: string, foldedQuery: string): [number, number] | null {
  if (!foldedQuery) return null;
  const original = [...value.normalize('NFC')];
  const folded = [...foldForSearch(value)];
  if (folded.length !== original.length) return null;
  const at = folded.join('').indexOf(foldedQuery);
  if (at < 0) return null;
  // `at` is in UTF-16 units of the folded string; convert via code points.
  let units = 0;
  let cp = 0;
  while (units < at) units += folded[cp++]!.length;
  const startCp = cp;
  const lengthCp = [...foldedQuery].length;
  const start = original.slice(0, startCp).join('').length;
  const end = start + original.slice(startCp, startCp + lengthCp).join('').length;
  return [start, end];
}

/**
 * What staff remember: any part of a customer's name (accents and case ignored; CJK and Thai as written), the
 * start of an email or phone, the start of a masked wallet login, an amount with its currency, and every id
 * `searchById` finds. Each kind is one query on an index: customers' folded `search_text` through a pg_trgm GIN
 * index, the masked login through a `text_pattern_ops` btree, (currency, amount) through a btree; at most
 * SEARCH_LIMIT_PER_KIND per kind.
 */
export async function searchStaff(db: Db, rawQuery: string): Promise<SearchResult[]> {
  const q = rawQuery.normalize('NFC').trim();
  if (!q || q.length > 128 || /[\u0000-\u001f\u007f]/.test(q)) return [];
  const folded = foldForSearch(q);
  const amount = parseAmountQuery(q);

  const [byId, customerRows, agreementRows, paymentRows] = await Promise.all([
    searchById(db, q),
    db
      .select({ id: customers.id, name: customers.name, email: customers.email, phone: customers.phone, reference: customers.reference })
      .from(customers)
      .where(sql`${customers.searchText} like ${containsPattern(folded)}`)
      .orderBy(customers.name, customers.id)
      .limit(SEARCH_LIMIT_PER_KIND),
    q.length >= 3
      ? db
          .select({ id: agreements.id, login: agreements.userLoginIdMasked, paymentMethod: agreements.paymentMethod, customerName: customers.name })
          .from(agreements)
          .innerJoin(customers, eq(customers.id, agreements.customerId))
          .where(sql`${agreements.userLoginIdMasked} like ${prefixPattern(q)}`)
          .limit(SEARCH_LIMIT_PER_KIND)
      : Promise.resolve([]),
    amount
      ? db
          .select({ id: payments.id, amountMinor: payments.amountMinor, currency: payments.currency, status: payments.status, createdAt: payments.createdAt, customerName: customers.name })
          .from(payments)
          .innerJoin(customers, eq(customers.id, payments.customerId))
          .where(and(eq(payments.currency, amount.currency), eq(payments.amountMinor, amount.minor)))
          .orderBy(desc(payments.createdAt))
          .limit(SEARCH_LIMIT_PER_KIND)
      : Promise.resolve([]),
  ]);

  const results: SearchResult[] = byId.map((hit) => ({ kind: hit.kind, id: hit.id, matched: hit.matched, text: hit.label, highlight: hit.label === q ? [0, q.length] : null, detail: null, href: hit.href }));
  const seen = new Set(results.map((r) => `${r.kind}:${r.id}`));
  const push = (r: SearchResult) => {
    if (seen.has(`${r.kind}:${r.id}`)) return;
    seen.add(`${r.kind}:${r.id}`);
    results.push(r);
  };
  for (const c of customerRows) {
    const inName = highlightOf(c.name, folded);
    const field = inName ? 'name' : c.email && highlightOf(c.email, folded) ? 'email' : c.phone && highlightOf(c.phone, folded) ? 'phone' : 'reference';
    const shown = field === 'email' ? c.email! : field === 'phone' ? c.phone! : field === 'reference' ? c.reference : c.name;
    push({
      kind: 'customer',
      id: c.id,
      matched: field,
      text: field === 'name' ? c.name : `${c.name} · ${shown}`,
      highlight: field === 'name' ? inName : shiftHighlight(highlightOf(shown, folded), c.name.length + 3),
      detail: c.reference,
      href: `/dashboard/customers/${c.id}`,
    });
  }
  for (const a of agreementRows) {
    const login = a.login ?? '';
    push({ kind: 'agreement', id: a.id, matched: 'loginPrefix', text: login, highlight: [0, Math.min(q.length, login.length)], detail: `${a.paymentMethod} · ${a.customerName}`, href: `/dashboard/agreements/${a.id}` });
  }
  for (const p of paymentRows) {
    const text = formatAmount(p.amountMinor, p.currency, 'en-US');
    push({ kind: 'payment', id: p.id, matched: 'amount', text, highlight: [0, text.length], detail: `${p.customerName} · ${p.status}`, href: `/dashboard/payments/${p.id}`, createdAt: p.createdAt });
  }
  return results;
}

function shiftHighlight(h: [number, number] | null, by: number): [number, number] | null {
  return h ? [h[0] + by, h[1] + by] : null;
}
