/**
 * declare and inquiryDeclarationRequests (ams-api.md §12). Declarations progress
 * WAITING_FOR_PROCESSING → SUCCESS | FAIL a fixed simulated delay after the request (status names
 * UNVERIFIED; Alipay+ samples use WAITING_FOR_PROCESSING).
 *
 * Invariants: idempotent on declarationRequestId; only successful ALIPAY_CN payments can be declared;
 * the declared amounts of one payment (excluding failed ones) never exceed its customs amount.
 */
import type { AmsAnswer, AmsCall, SimContext } from './context';
import { pickScenario } from './scenarios';
import type { DeclarationRecord } from './store';
import {
  isObject,
  optionalObject,
  optionalString,
  ParamIllegal,
  requiredAmount,
  requiredBoolean,
  requiredObject,
  requiredString,
  stringArray,
} from './validate';
import { antomId, isoTime, result, wireAmount } from './wire';

/** Simulated time customs takes to answer. */
export const DECLARATION_DELAY_MS = 30_000;

function refresh(ctx: SimContext, d: DeclarationRecord): void {
  if (d.status === 'WAITING_FOR_PROCESSING' && ctx.clock.now() >= d.finalizeAt) {
    d.status = d.finalStatus;
    d.lastModifiedAt = d.finalizeAt;
    ctx.store.markDirty();
  }
}

/** POST /v1/customs/declare */
export function declare(ctx: SimContext, call: AmsCall): AmsAnswer {
  const b = call.body;
  const clientId = call.client.clientId;
  const declarationRequestId = requiredString(b, 'declarationRequestId', '', { max: 32 });
  const paymentId = requiredString(b, 'paymentId', '', { max: 64 });
  const amount = requiredAmount(b, 'declarationAmount');
  if (amount.currency !== 'CNY') throw new ParamIllegal('declarationAmount.currency', 'must be CNY');
  const customs = requiredObject(b, 'customs');
  const customsCode = requiredString(customs, 'customsCode', 'customs', { max: 128 });
  const customsRegion = requiredString(customs, 'region', 'customs', { pattern: /^[A-Z]{2}$/ });
  if (customsRegion !== 'CN') throw new ParamIllegal('customs.region', 'must be CN');
  const mci = requiredObject(b, 'merchantCustomsInfo');
  const merchantCustomsCode = requiredString(mci, 'merchantCustomsCode', 'merchantCustomsInfo', { max: 128 });
  const merchantCustomsName = requiredString(mci, 'merchantCustomsName', 'merchantCustomsInfo', { max: 256 });
  const splitOrder = requiredBoolean(b, 'splitOrder');
  const subOrderId = optionalString(b, 'subOrderId', '', { max: 64 });
  if (splitOrder && !subOrderId) throw new ParamIllegal('subOrderId', 'is required when splitOrder is true');
  const cert = optionalObject(b, 'buyerCertificate');
  if (cert) {
    requiredString(cert, 'certificateType', 'buyerCertificate', { max: 32 });
    requiredString(cert, 'certificateNo', 'buyerCertificate', { max: 64 });
    const holder = cert['holderName'];
    if (holder !== undefined && holder !== null && !isObject(holder)) throw new ParamIllegal('buyerCertificate.holderName', 'must be an object');
  }

  const fingerprint = [paymentId, amount.value, customsCode, merchantCustomsCode, String(splitOrder), subOrderId ?? ''].join('|');
  const key = ctx.store.declarationKey(clientId, declarationRequestId);
  const existing = ctx.store.state.declarations[key];
  if (existing) {
    if (existing.fingerprint !== fingerprint) return { body: { result: result('REPEAT_REQ_INCONSISTENT') } };
    return { body: declareAnswer(existing) };
  }
  const p = ctx.store.state.payments[paymentId];
  if (!p || p.clientId !== clientId) return { body: { result: result('ORDER_NOT_EXIST') } };
  if (p.status !== 'SUCCESS' || p.wallet !== 'ALIPAY_CN') {
    return { body: { result: result('ORDER_STATUS_INVALID', 'Only successful Alipay (ALIPAY_CN) payments can be declared.') } };
  }
  const declared = Object.values(ctx.store.state.declarations)
    .filter((d) => d.paymentId === paymentId && d.status !== 'FAIL')
    .reduce((sum, d) => sum + d.amountMinor, 0n);
  if (declared + amount.valueMinor > p.amountMinor) {
    throw new ParamIllegal('declarationAmount.value', 'exceeds the payment\'s customs declaration amount');
  }
  const now = ctx.clock.now();
  const failing = pickScenario('declare', call.scenarioHeader)?.scenario.name === 'declaration-fail';
  const d: DeclarationRecord = {
    declarationRequestId,
    clientId,
    paymentId,
    customsPaymentId: antomId('customs', now),
    customsOrderId: subOrderId ?? p.referenceOrderId,
    currency: 'CNY',
    amountMinor: amount.valueMinor,
    customsCode,
    customsRegion,
    merchantCustomsCode,
    merchantCustomsName,
    splitOrder,
    ...(subOrderId ? { subOrderId } : {}),
    identityChecked: cert !== undefined,
    status: 'WAITING_FOR_PROCESSING',
    createdAt: now,
    finalizeAt: now + DECLARATION_DELAY_MS,
    finalStatus: failing ? 'FAIL' : 'SUCCESS',
    lastModifiedAt: now,
    fingerprint,
  };
  ctx.store.state.declarations[key] = d;
  ctx.store.markDirty();
  return { body: declareAnswer(d) };
}

function declareAnswer(d: DeclarationRecord): Record<string, unknown> {
  return {
    result: result('SUCCESS'),
    customsPaymentId: d.customsPaymentId,
    customsOrderId: d.customsOrderId,
    ...(d.identityChecked ? { identityCheckResult: 'CHECK_PASSED' } : {}),
    clearingChannel: 'NUCC',
  };
}

/** POST /v1/customs/inquiryDeclarationRequests — up to 10 ids. */
export function inquiryDeclarationRequests(ctx: SimContext, call: AmsCall): AmsAnswer {
  const ids = stringArray(call.body, 'declarationRequestIds', { min: 1, max: 10, itemMax: 32 });
  const records: Record<string, unknown>[] = [];
  const notFound: string[] = [];
  for (const id of ids) {
    const d = ctx.store.state.declarations[ctx.store.declarationKey(call.client.clientId, id)];
    if (!d) {
      notFound.push(id);
      continue;
    }
    refresh(ctx, d);
    const final = d.status !== 'WAITING_FOR_PROCESSING';
    records.push({
      declarationRequestId: d.declarationRequestId,
      customsPaymentId: d.customsPaymentId,
      customsOrderId: d.customsOrderId,
      customs: { customsCode: d.customsCode, region: d.customsRegion },
      merchantCustomsInfo: { merchantCustomsCode: d.merchantCustomsCode, merchantCustomsName: d.merchantCustomsName },
      declarationAmount: wireAmount(d.currency, d.amountMinor),
      splitOrder: String(d.splitOrder),
      declarationRequestStatus: d.status,
      lastModifiedTime: isoTime(d.lastModifiedAt),
      ...(final
        ? {
            customsDeclarationResultCode: d.status === 'SUCCESS' ? '2' : '-1',
            customsDeclarationResultDesc: d.status === 'SUCCESS' ? 'Accepted by customs (simulated)' : 'Rejected by customs (simulated)',
            customsDeclarationReturnTime: isoTime(d.lastModifiedAt),
          }
        : {}),
    });
  }
  return {
    body: {
      result: result('SUCCESS'),
      declarationRecords: records,
      ...(notFound.length > 0 ? { declarationRequestsNotFound: notFound } : {}),
    },
  };
}
