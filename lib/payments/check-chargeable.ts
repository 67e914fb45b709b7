import { sql, type SQL } from 'drizzle-orm';
import { checkPaymentMethodAmount, getPaymentMethod, isPaymentMethodCode, type PaymentMethod } from '@/lib/alipay';
import { agreementTokenAad, type TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { isUuid } from '@/lib/db/is-uuid';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { agreements, type Agreement } from '@/lib/db/schema';
import { formatAmount, isCurrencyCode, type CurrencyCode } from '@/lib/money';
import { merchantSettingsFromJson, type MerchantSettingsView } from '@/lib/settings/get-merchant-settings';

export type ChargeableProblem =
  | 'agreement_not_found'
  | 'agreement_not_active'
  | 'token_expired'
  | 'wallet_not_supported'
  | 'currency_mismatch'
  | 'amount_invalid';

export type Chargeable =
  | {
      ok: true;
      agreement: Agreement;
      method: PaymentMethod;
      currency: CurrencyCode;
      accessToken: string;
      settings: MerchantSettingsView;
      /**
       * Set when the answer came from an earlier read (checkChargeableRemembered): the row versions that read saw.
       * The write that follows must hold only while both rows are still those versions (chargeGuard).
       */
      guard?: ChargeGuard;
    }
  | { ok: false; code: ChargeableProblem; error: string };

/** What a charge asks to check: the agreement, the amount (and the currency when the form named one), at `now`. */
export interface ChargeableInput {
  agreementId: string;
  amountMinor: bigint;
  currency?: string | null;
  now: Date;
}

/** The versions (PostgreSQL xmin: any update of the row changes it) of the agreement and settings rows a check read. */
export interface ChargeGuard {
  agreementId: string;
  agreementVersion: string;
  /** null: there was no merchant_settings row. */
  settingsVersion: string | null;
}

const NOT_ACTIVE: Record<string, string> = {
  PENDING: 'The buyer has not finished authorizing this wallet yet.',
  APPLYING: 'The buyer has not finished authorizing this wallet yet.',
  DECLINED: 'The buyer declined the authorization; there is nothing to charge.',
  FAILED: 'This authorization failed; ask the buyer to authorize again.',
  EXPIRED: 'This authorization attempt expired; ask the buyer to authorize again.',
  REVOKED: 'This agreement was revoked; ask the buyer to authorize again.',
  INVALID: 'The wallet no longer accepts this agreement; ask the buyer to authorize again.',
};

/**
 * Everything a charge must satisfy before any row is written or any call made: the agreement is ACTIVE, its
 * token is unexpired, the wallet is in the catalog, the currency is the wallet's, and the amount follows the
 * wallet's minimum, maximum and multiple-of rules (lib/alipay catalog over lib/money). Each refusal says why.
 * The merchant settings a charge needs (name, operator limits) come back with it, read in the same statement:
 * this runs before every charge, so it is one prepared round trip.
 */
export async function checkChargeable(db: Db, vault: TokenVault, input: ChargeableInput): Promise<Chargeable> {
  if (!isUuid(input.agreementId)) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  const raw = await readChargeable(db, input.agreementId);
  if (!raw) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  return evaluate(raw, vault, input);
}

/**
 * checkChargeable without its read when this process read the same agreement a moment ago and it passed: the
 * remembered rows are checked again (status, token expiry at `now`, currency, amount), and the answer carries
 * their versions in `guard`. The caller's write must then be conditioned on chargeGuard(guard) — if either
 * row changed since (revoked, token refreshed, settings edited, here or on another instance), nothing is written
 * and the caller checks afresh with checkChargeable. One round trip fewer on every repeated charge of an
 * agreement (a billing run, a merchant's order system), with the same answers: a remembered row is only ever a
 * reason to try, never a reason to refuse. Only sealed tokens are remembered, never an opened one.
 */
export async function checkChargeableRemembered(db: Db, vault: TokenVault, input: ChargeableInput): Promise<Chargeable> {
  if (!isUuid(input.agreementId)) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  const { remembered: memory, reads } = memoryFor(db);
  const seen = memory.get(input.agreementId);
  if (seen && input.now.getTime() - seen.at < REMEMBER_MS) {
    const again = evaluate(seen.raw, vault, input);
    if (again.ok) return { ...again, guard: seen.guard };
  }
  memory.delete(input.agreementId);
  // Charges of one agreement that miss together share one read (a billing batch often holds many of its periods).
  let read = reads.get(input.agreementId);
  if (!read) {
    read = readChargeable(db, input.agreementId).finally(() => reads.delete(input.agreementId));
    reads.set(input.agreementId, read);
  }
  const raw = await read;
  if (!raw) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  const checked = evaluate(raw, vault, input);
  if (checked.ok) {
    if (memory.size >= REMEMBER_AT_MOST) memory.clear();
    const guard = { agreementId: input.agreementId, agreementVersion: String(raw.agreement_version), settingsVersion: raw.settings_version == null ? null : String(raw.settings_version) };
    memory.set(input.agreementId, { raw, guard, at: input.now.getTime() });
    // A write on a shared read is guarded like one on a remembered read: the rows may change before it.
    return { ...checked, guard };
  }
  return checked;
}

/** Forgets a remembered agreement (its guarded write found it changed). */
export function forgetChargeable(db: Db, agreementId: string): void {
  memoryFor(db).remembered.delete(agreementId);
}

/**
 * The condition a write made on a remembered check must hold under: both rows are still the versions that were
 * checked (an ACTIVE agreement with the same token, the same settings). `xmin` changes on every update of a row
 * (and when VACUUM freezes it, which only costs a fresh read).
 */
export function chargeGuard(guard: ChargeGuard): SQL {
  const settings =
    guard.settingsVersion === null
      ? sql`not exists (select 1 from merchant_settings where id = 1)`
      : sql`exists (select 1 from merchant_settings where id = 1 and xmin = ${guard.settingsVersion}::xid)`;
  return sql`exists (select 1 from agreements where id = ${guard.agreementId}::uuid and xmin = ${guard.agreementVersion}::xid and status = 'ACTIVE') and ${settings}`;
}

/** How long a passed check is remembered, and for how many agreements per database. */
const REMEMBER_MS = 5 * 60_000;
const REMEMBER_AT_MOST = 5_000;
/** A passed read: its rows, the versions a write made on it must still find, and when it was read. */
type Remembered = { raw: Record<string, unknown>; guard: ChargeGuard; at: number };
/**
 * Per database: the passed reads remembered by agreement, and the reads in flight by agreement (a miss joins one
 * instead of starting another).
 */
type ChargeableMemory = { remembered: Map<string, Remembered>; reads: Map<string, Promise<Record<string, unknown> | undefined>> };
const memories = new WeakMap<Db, ChargeableMemory>();

function memoryFor(db: Db): ChargeableMemory {
  let memory = memories.get(db);
  if (!memory) {
    memory = { remembered: new Map(), reads: new Map() };
    memories.set(db, memory);
  }
  return memory;
}

async function readChargeable(db: Db, agreementId: string): Promise<Record<string, unknown> | undefined> {
  const [raw] = rowsOf<Record<string, unknown>>(
    await executePrepared(db, sql`
      select a.*, a.xmin::text as agreement_version, to_jsonb(s) as merchant_settings_row, s.xmin::text as settings_version
      from agreements a left join merchant_settings s on s.id = 1
      where a.id = ${agreementId}::uuid`),
  );
  return raw;
}

function evaluate(raw: Record<string, unknown>, vault: TokenVault, input: ChargeableInput): Chargeable {
  const agreement = mapRow(agreements, raw);
  if (agreement.status !== 'ACTIVE') {
    const why = agreement.status === 'INVALID' && agreement.failureMessage ? ` (${agreement.failureMessage})` : '';
    return { ok: false, code: 'agreement_not_active', error: (NOT_ACTIVE[agreement.status] ?? 'This agreement cannot be charged.') + why };
  }
  if (!agreement.accessTokenCiphertext || !agreement.accessTokenExpiresAt || agreement.accessTokenExpiresAt <= input.now) {
    return { ok: false, code: 'token_expired', error: "The wallet's permission has expired; it must be renewed or the buyer must authorize again." };
  }
  const method = isPaymentMethodCode(agreement.paymentMethod) ? getPaymentMethod(agreement.paymentMethod) : undefined;
  if (!method || !isCurrencyCode(method.currency)) return { ok: false, code: 'wallet_not_supported', error: `${agreement.paymentMethod} is not a wallet Daikou can charge.` };
  const currency = method.currency as CurrencyCode;
  if (input.currency && input.currency !== currency) {
    return { ok: false, code: 'currency_mismatch', error: `${method.nameEn} charges in ${currency} only, not ${input.currency}.` };
  }
  if (input.amountMinor <= 0n) return { ok: false, code: 'amount_invalid', error: 'Enter an amount above zero.' };
  const issues = checkPaymentMethodAmount(method.code, input.amountMinor, currency);
  if (issues.length > 0) {
    return { ok: false, code: 'amount_invalid', error: `${formatAmount(input.amountMinor, currency)}: ${issues.map((i) => i.message).join(' ')}` };
  }
  const accessToken = vault.open(agreement.accessTokenCiphertext, agreementTokenAad(agreement.id, 'access_token', agreement.tokenKeyVersion ?? 1));
  return { ok: true, agreement, method, currency, accessToken, settings: merchantSettingsFromJson(raw.merchant_settings_row as Record<string, unknown> | null) };
}
