import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { classifyCall } from '@/lib/alipay/call-outcome';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { customsDeclarations, payments, type CustomsDeclaration } from '@/lib/db/schema';
import { isMoneyError, parseAmount, toMajorString, toWireValue } from '@/lib/money';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { applyDeclareOutcome } from './apply-declare-outcome';
import { CUSTOMS_POLL_JOB, declarationBodyAad, recordCustomsEvent, type CustomsDeps } from './customs-deps';
import { CERTIFICATE_TYPES, CUSTOMS_OFFICE_KEYS, CUSTOMS_OFFICES } from './customs-offices';

const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean());
const optionalText = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max).optional());

export const declareCustomsInput = z
  .object({
    paymentId: z.uuid('Choose a payment'),
    /** Major units of CNY as typed, e.g. "120.50". */
    amount: z.string().trim().min(1, 'Enter the amount to declare'),
    office: z.enum(CUSTOMS_OFFICE_KEYS, { error: 'Choose a customs office' }),
    splitOrder: checkbox.default(false),
    subOrderId: optionalText(64),
    certificateType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(CERTIFICATE_TYPES).optional()),
    certificateNo: optionalText(64),
    holderName: optionalText(128),
    /** Rendered with the form, so a double submit is the same declaration (Antom's idempotency key too). */
    declarationRequestId: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9_-]{8,32}$/).optional()),
  })
  .superRefine((v, ctx) => {
    if (v.splitOrder && !v.subOrderId) ctx.addIssue({ code: 'custom', path: ['subOrderId'], message: 'A split order needs the sub-order id sent to customs' });
    if (!v.splitOrder && v.subOrderId) ctx.addIssue({ code: 'custom', path: ['subOrderId'], message: 'Only a split order has a sub-order id' });
    const cert = [v.certificateType, v.certificateNo, v.holderName].filter(Boolean).length;
    if (cert > 0 && cert < 3) ctx.addIssue({ code: 'custom', path: ['certificateNo'], message: 'Give the certificate type, number and holder name together, or none' });
  });

export type DeclareCustomsInput = z.output<typeof declareCustomsInput>;

/** A fresh declarationRequestId: 32 characters, Antom's maximum. */
export function newDeclarationRequestId(): string {
  return `DCL${randomBytes(16).toString('hex').slice(0, 29)}`;
}

/**
 * Declares (part of) a SUCCEEDED Alipay CN payment to China customs (ams-api.md §12.1). Everything a
 * customs officer or Antom would refuse is refused here first, before any call: non-CNY, not Alipay CN,
 * not succeeded, more than the payment across its live declarations (checked under a row lock, so two
 * staff cannot over-declare together), missing merchant customs registration. The row and its exact
 * body (sealed: it may hold the buyer's id number) are committed before the call; the answer is then
 * recorded by a guarded update, and the poller follows it to customs' final answer.
 */
export async function declareCustoms(deps: CustomsDeps, actor: Actor, input: DeclareCustomsInput): Promise<ServiceResult<CustomsDeclaration>> {
  assertCan(actor, 'customs.declare');
  const settings = await getMerchantSettings(deps.db);
  if (!settings.customsMerchantCode || !settings.customsMerchantName) {
    return fail('customs_settings_missing', 'Set the merchant customs registration number and name in Settings before declaring.');
  }
  let amountMinor: bigint;
  try {
    amountMinor = parseAmount(input.amount, 'CNY');
  } catch (error) {
    if (isMoneyError(error)) return fail('invalid_amount', error.message, { amount: [error.message] });
    throw error;
  }
  if (amountMinor <= 0n) return fail('invalid_amount', 'The declared amount must be more than zero.', { amount: ['Must be more than zero'] });

  const declarationRequestId = input.declarationRequestId ?? newDeclarationRequestId();
  const [existing] = await deps.db.select().from(customsDeclarations).where(eq(customsDeclarations.declarationRequestId, declarationRequestId));
  if (existing) {
    if (existing.paymentId !== input.paymentId || existing.amountMinor !== amountMinor) return fail('duplicate_request', 'This form was already used for another declaration. Reload the page.');
    return ok(existing);
  }

  const office = CUSTOMS_OFFICES[input.office];
  const id = randomUUID();
  const now = deps.now?.() ?? new Date();

  const created = await deps.db.transaction(async (tx): Promise<ServiceResult<{ row: CustomsDeclaration; request: Parameters<typeof deps.alipay.declare>[0] }>> => {
    // The payment row lock serialises declarations of one payment: the sum check below cannot race.
    const [payment] = await tx.select().from(payments).where(eq(payments.id, input.paymentId)).for('update');
    if (!payment) return fail('not_found', 'No such payment.');
    if (payment.paymentMethod !== 'ALIPAY_CN') return fail('not_alipay_cn', `Only Alipay (China) payments can be declared to customs; this one was paid with ${payment.paymentMethod}.`);
    if (payment.currency !== 'CNY') return fail('not_cny', `Customs declarations are in CNY; this payment is in ${payment.currency}.`);
    if (payment.status !== 'SUCCEEDED' || !payment.paymentId) return fail('payment_not_succeeded', `Only a succeeded payment can be declared; this one is ${payment.status}.`);
    const [sum] = await tx
      .select({ declared: sql<string>`coalesce(sum(${customsDeclarations.amountMinor}), 0)::text` })
      .from(customsDeclarations)
      .where(and(eq(customsDeclarations.paymentId, payment.id), ne(customsDeclarations.status, 'FAILED'), ne(customsDeclarations.status, 'REJECTED')));
    const declared = BigInt(sum?.declared ?? '0');
    if (declared + amountMinor > payment.amountMinor) {
      const left = payment.amountMinor - declared;
      return fail(
        'over_amount',
        `That is more than the payment: ${toMajorString(payment.amountMinor, 'CNY')} CNY paid, ${toMajorString(declared, 'CNY')} already declared, at most ${toMajorString(left, 'CNY')} left.`,
        { amount: [`At most ${toMajorString(left, 'CNY')}`] },
      );
    }
    const request = {
      declarationRequestId,
      paymentId: payment.paymentId,
      declarationAmount: { currency: 'CNY', value: toWireValue(amountMinor) },
      customs: { customsCode: office.customsCode, region: 'CN' as const },
      merchantCustomsInfo: { merchantCustomsCode: settings.customsMerchantCode!, merchantCustomsName: settings.customsMerchantName! },
      splitOrder: input.splitOrder,
      ...(input.splitOrder && input.subOrderId ? { subOrderId: input.subOrderId } : {}),
      ...(input.certificateType && input.certificateNo && input.holderName
        ? { buyerCertificate: { certificateType: input.certificateType, certificateNo: input.certificateNo, holderName: { fullName: input.holderName } } }
        : {}),
    } as unknown as Parameters<typeof deps.alipay.declare>[0];
    const serialized = deps.alipay.serialize('declare', request);
    const [row] = await tx
      .insert(customsDeclarations)
      .values({
        id,
        paymentId: payment.id,
        declarationRequestId,
        amountMinor,
        currency: 'CNY',
        customsCode: office.customsCode,
        merchantCustomsCode: settings.customsMerchantCode!,
        merchantCustomsName: settings.customsMerchantName!,
        splitOrder: input.splitOrder,
        subOrderId: input.splitOrder ? (input.subOrderId ?? null) : null,
        buyerCertificateType: input.certificateType ?? null,
        requestBodyHash: serialized.sha256,
        requestBodyCiphertext: deps.vault.seal(serialized.body, declarationBodyAad(id)),
        status: 'CREATED',
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordCustomsEvent(tx, payment.id, 'customs_declaration_created', 'staff', {
      declarationRequestId,
      amount: toWireValue(amountMinor),
      currency: 'CNY',
      customsCode: office.customsCode,
      splitOrder: input.splitOrder,
      subOrderId: input.subOrderId ?? null,
      buyerIdentity: input.certificateType ?? null,
    });
    await recordAudit(tx, actor, {
      action: 'customs.declare',
      objectType: 'customs_declaration',
      objectId: id,
      after: { paymentId: payment.id, declarationRequestId, amountMinor, currency: 'CNY', customsCode: office.customsCode, splitOrder: input.splitOrder },
    });
    return ok({ row: row!, request });
  });
  if (!created.ok) return created;

  const outcome = await classifyCall(
    deps.alipay.declare(created.data.request, { subject: `payment:${input.paymentId}`, expectedBodySha256: created.data.row.requestBodyHash }),
  );
  const row = await applyDeclareOutcome(deps, created.data.row, outcome, 'staff');
  if (deps.enqueue && (row.status === 'WAITING' || row.status === 'UNKNOWN')) {
    await deps.enqueue(CUSTOMS_POLL_JOB, {}, { startAfterSeconds: 30, singletonKey: 'customs-poll' });
  }
  return ok(row);
}
