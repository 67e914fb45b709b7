/**
 * pay (Auto Debit), inquiryPayment and cancel, with the payment state machine of ams-api.md §16.2:
 *
 *   (new) ─S─► SUCCESS ─cancel (≤ 00:15 GMT+8 on T+1, no refunds)─► CANCELLED (money returned)
 *     ├──F──► FAIL
 *     └──U──► PROCESSING ─(wallet, ≤ the 1-minute expiry)─► SUCCESS | FAIL      └─cancel─► CANCELLED
 *
 * Invariants: one payment per (client, paymentRequestId); a replay with the same request id and the
 * same amount/currency/method/token answers from the stored state, a different one answers
 * REPEAT_REQ_INCONSISTENT; terminal states never change except SUCCESS → CANCELLED; every debit and
 * reversal is a ledger entry.
 */
import type { AmsAnswer, AmsCall, SimContext } from './context';
import { accessTokenState } from './authorization-api';
import { getTestAccount, pickScenario } from './scenarios';
import type { NotifyMode, PaymentRecord } from './store';
import {
  optionalDateTime,
  optionalObject,
  optionalString,
  optionalUrl,
  ParamIllegal,
  requiredAmount,
  requiredObject,
  requiredString,
} from './validate';
import { getWallet, walletAmountIssues } from './wallets';
import { antomId, wireAmount, gmt8Day, gmt8Midnight, isoTime, result, RESULT_CODES, type ResultCode } from './wire';

/** Auto Debit payments close one minute after the request unless told sooner (ams-api.md §6.1). */
export const PAYMENT_EXPIRY_MS = 60_000;


export function feeFor(ctx: SimContext, amountMinor: bigint): bigint {
  return (amountMinor * ctx.fees.rateBps + 5_000n) / 10_000n;
}

function pspCustomerInfo(p: PaymentRecord) {
  return {
    pspName: p.wallet,
    pspCustomerId: `sim-${p.wallet.toLowerCase()}-${p.account ?? 'unknown'}`,
  };
}

/** The answer to pay for a stored payment — also what replays get. */
function payAnswer(p: PaymentRecord): Record<string, unknown> {
  const base = { paymentRequestId: p.paymentRequestId };
  switch (p.status) {
    case 'SUCCESS':
      return {
        result: result('SUCCESS'),
        ...base,
        paymentId: p.paymentId,
        paymentAmount: wireAmount(p.currency, p.amountMinor),
        paymentCreateTime: isoTime(p.createdAt),
        paymentTime: isoTime(p.paymentTime ?? p.createdAt),
        pspCustomerInfo: pspCustomerInfo(p),
      };
    case 'PROCESSING':
      return {
        result: result('PAYMENT_IN_PROCESS'),
        ...base,
        paymentId: p.paymentId,
        paymentAmount: wireAmount(p.currency, p.amountMinor),
        paymentCreateTime: isoTime(p.createdAt),
      };
    case 'CANCELLED':
      return { result: result('ORDER_IS_CLOSED', 'The payment was cancelled.'), ...base, paymentId: p.paymentId };
    case 'FAIL':
      return { result: { resultCode: p.resultCode, resultStatus: 'F', resultMessage: p.resultMessage }, ...base };
  }
}

/** notifyPayment body (ams-api.md §7.1) for a payment in a final state. */
function paymentNotification(p: PaymentRecord): Record<string, unknown> {
  const success = p.status === 'SUCCESS';
  return {
    notifyType: 'PAYMENT_RESULT',
    result: success
      ? { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' }
      : { resultCode: p.resultCode, resultStatus: 'F', resultMessage: p.resultMessage },
    paymentRequestId: p.paymentRequestId,
    paymentId: p.paymentId,
    paymentAmount: wireAmount(p.currency, p.amountMinor),
    paymentCreateTime: isoTime(p.createdAt),
    ...(success ? { paymentTime: isoTime(p.paymentTime ?? p.createdAt), pspCustomerInfo: pspCustomerInfo(p) } : {}),
    ...(success && p.wallet === 'ALIPAY_CN' && p.currency === 'CNY'
      ? { customsDeclarationAmount: wireAmount('CNY', p.amountMinor) }
      : {}),
  };
}

/** Moves the money of a successful payment: ledger DEBIT and the test account's balance. */
function debit(ctx: SimContext, p: PaymentRecord): void {
  ctx.store.moveBalance(p.wallet, p.account, -p.amountMinor);
  ledgerPayment(ctx, p, 'DEBIT', p.paymentTime ?? ctx.clock.now());
}

/** One ledger entry for the whole of a payment (its debit, or the reversal of a cancel). */
function ledgerPayment(ctx: SimContext, p: PaymentRecord, kind: 'DEBIT' | 'CANCEL_REVERSAL', at: number): void {
  ctx.store.addLedger({
    at,
    clientId: p.clientId,
    kind,
    paymentId: p.paymentId,
    paymentRequestId: p.paymentRequestId,
    wallet: p.wallet,
    ...(p.account ? { account: p.account } : {}),
    currency: p.currency,
    amountMinor: p.amountMinor,
    feeMinor: p.feeMinor,
  });
}

function notifyPayment(ctx: SimContext, p: PaymentRecord): void {
  const client = ctx.store.state.clients[p.clientId];
  ctx.notifier.enqueue({
    clientId: p.clientId,
    type: 'PAYMENT_RESULT',
    url: p.notifyUrl ?? client?.notifyUrls.payment,
    body: paymentNotification(p),
    relatedId: p.paymentId,
    mode: p.notifyMode ?? 'normal',
  });
}

function finalize(ctx: SimContext, p: PaymentRecord, code: string): void {
  const now = ctx.clock.now();
  if (code === 'SUCCESS') {
    p.status = 'SUCCESS';
    p.resultCode = 'SUCCESS';
    p.resultMessage = 'success.';
    p.paymentTime = now;
    debit(ctx, p);
  } else {
    p.status = 'FAIL';
    p.resultCode = code;
    p.resultMessage = RESULT_CODES[code as ResultCode]?.[1] ?? code;
  }
  delete p.finalizeAt;
  delete p.finalCode;
  ctx.store.putPayment(p);
  notifyPayment(ctx, p);
}

/** Settles PROCESSING payments whose time has come (called by the server's ticker). */
export function finalizeDuePayments(ctx: SimContext): void {
  const now = ctx.clock.now();
  for (const id of ctx.store.processingPayments) {
    const p = ctx.store.state.payments[id];
    if (!p || p.status !== 'PROCESSING') continue;
    const due = Math.min(p.finalizeAt ?? p.expiresAt, p.expiresAt);
    if (due > now) continue;
    // Past the expiry the order is closed whatever the wallet intended.
    finalize(ctx, p, (p.finalizeAt ?? Infinity) <= p.expiresAt ? (p.finalCode ?? 'ORDER_IS_CLOSED') : 'ORDER_IS_CLOSED');
  }
}

/** POST /v1/payments/pay (productCode AGREEMENT_PAYMENT). Idempotent on paymentRequestId. */
export function pay(ctx: SimContext, call: AmsCall): AmsAnswer {
  const b = call.body;
  const clientId = call.client.clientId;
  const productCode = requiredString(b, 'productCode', '', { max: 32 });
  if (productCode !== 'AGREEMENT_PAYMENT') throw new ParamIllegal('productCode', 'must be AGREEMENT_PAYMENT for Auto Debit');
  const paymentRequestId = requiredString(b, 'paymentRequestId', '', { max: 64 });
  const amount = requiredAmount(b, 'paymentAmount');
  const method = requiredObject(b, 'paymentMethod');
  const methodType = requiredString(method, 'paymentMethodType', 'paymentMethod', { max: 64 });
  const token = requiredString(method, 'paymentMethodId', 'paymentMethod', { max: 128 });
  const order = requiredObject(b, 'order');
  const referenceOrderId = requiredString(order, 'referenceOrderId', 'order', { max: 64 });
  const orderDescription = requiredString(order, 'orderDescription', 'order', { max: 256 });
  const orderAmount = requiredAmount(order, 'orderAmount', 'order');
  if (orderAmount.currency !== amount.currency) throw new ParamIllegal('order.orderAmount.currency', 'must equal paymentAmount.currency');
  const merchant = optionalObject(order, 'merchant', 'order');
  if (merchant) optionalString(merchant, 'referenceMerchantId', 'order.merchant', { max: 64 });
  const expiryMs = optionalDateTime(b, 'paymentExpiryTime');
  if (expiryMs !== undefined && expiryMs > call.requestTimeMs + PAYMENT_EXPIRY_MS + 1_000) {
    throw new ParamIllegal('paymentExpiryTime', 'must be within one minute of the request for Auto Debit');
  }
  const notifyUrl = optionalUrl(b, 'paymentNotifyUrl', 2048);
  optionalUrl(b, 'paymentRedirectUrl', 2048);
  const settlement = optionalObject(b, 'settlementStrategy');
  if (settlement) optionalString(settlement, 'settlementCurrency', 'settlementStrategy', { pattern: /^[A-Z]{3}$/ });
  optionalObject(b, 'env');
  optionalString(b, 'merchantRegion', '', { pattern: /^[A-Z]{2}$/ });
  optionalString(b, 'userRegion', '', { pattern: /^[A-Z]{2}$/ });
  optionalString(b, 'merchantAccountId', '', { max: 32 });
  const wallet = getWallet(methodType);
  if (!wallet) throw new ParamIllegal('paymentMethod.paymentMethodType', `"${methodType}" is not a supported payment method`);

  const fingerprint = [productCode, amount.currency, amount.value, methodType, token].join('|');
  const existing = ctx.store.paymentByRequest(clientId, paymentRequestId);
  if (existing) {
    if (existing.fingerprint !== fingerprint) return { body: { result: result('REPEAT_REQ_INCONSISTENT'), paymentRequestId } };
    return { body: payAnswer(existing) };
  }

  const picked = pickScenario('pay', call.scenarioHeader, amount.value);
  const scenario = picked?.scenario.name;
  // One-shot transient failures: the first call per request id fails with U, the identical retry proceeds.
  if ((scenario === 'unknown-exception' || scenario === 'rate-limited') && !picked?.byHeader) {
    if (ctx.store.firstTime(`pay:${clientId}:${paymentRequestId}:${scenario}`, ctx.clock.now())) {
      return { body: { result: result(scenario === 'rate-limited' ? 'REQUEST_TRAFFIC_EXCEED_LIMIT' : 'UNKNOWN_EXCEPTION') } };
    }
  }

  const now = ctx.clock.now();
  const auth = ctx.store.authorizationByAccessToken(token);
  const account = getTestAccount(auth?.account);
  const p: PaymentRecord = {
    paymentId: antomId('payment', now),
    paymentRequestId,
    clientId,
    wallet: wallet.code,
    ...(auth?.account ? { account: auth.account } : {}),
    ...(auth ? { authorizationId: auth.id } : {}),
    accessToken: token,
    currency: amount.currency,
    amountMinor: amount.valueMinor,
    status: 'PROCESSING',
    resultCode: 'PAYMENT_IN_PROCESS',
    resultMessage: '',
    createdAt: now,
    expiresAt: now + Math.max(0, Math.min(PAYMENT_EXPIRY_MS, (expiryMs ?? Infinity) - call.requestTimeMs)),
    refundedMinor: 0n,
    ...(notifyUrl ? { notifyUrl } : {}),
    referenceOrderId,
    orderDescription,
    fingerprint,
    feeMinor: feeFor(ctx, amount.valueMinor),
  };
  const notifyMode: NotifyMode | undefined =
    scenario === 'duplicate-notification' ? 'duplicate' : scenario === 'delayed-notification' ? 'delayed' : scenario === 'no-notification' ? 'none' : undefined;
  if (notifyMode) p.notifyMode = notifyMode;

  const fail = (code: ResultCode, message?: string): AmsAnswer => {
    p.status = 'FAIL';
    p.resultCode = code;
    p.resultMessage = message ?? RESULT_CODES[code][1];
    ctx.store.putPayment(p);
    notifyPayment(ctx, p);
    return { body: payAnswer(p) };
  };

  // Token, then wallet rules, then the test account, then amount scenarios — the order a wallet would check.
  if (!auth || auth.clientId !== clientId || accessTokenState(ctx, auth, token) !== 'ACTIVE') return fail('INVALID_ACCESS_TOKEN');
  if (auth.wallet !== wallet.code) return fail('INVALID_ACCESS_TOKEN', `The access token belongs to ${auth.wallet}, not ${wallet.code}.`);
  if (!auth.scopes.includes('AGREEMENT_PAY')) return fail('ACCESS_DENIED', 'The authorization does not include the AGREEMENT_PAY scope.');
  if (amount.currency !== wallet.currency) return fail('CURRENCY_NOT_SUPPORT', `${wallet.code} only takes ${wallet.currency}.`);
  for (const issue of walletAmountIssues(wallet, amount.valueMinor)) {
    if (issue.code === 'TOO_LARGE') return fail('PAYMENT_AMOUNT_EXCEED_LIMIT', issue.message);
    throw new ParamIllegal('paymentAmount.value', `breaks a ${wallet.code} rule: ${issue.message}`);
  }
  if (account.payFailure) return fail(account.payFailure);
  if (account.balanceMinor !== undefined) {
    if (ctx.store.balanceOf(wallet.code, account.id, account.balanceMinor) < amount.valueMinor) return fail('USER_BALANCE_NOT_ENOUGH');
  }
  switch (scenario) {
    case 'insufficient-balance':
      return fail('USER_BALANCE_NOT_ENOUGH');
    case 'risk-reject':
      return fail('RISK_REJECT');
    case 'frozen-user':
      return fail('USER_STATUS_ABNORMAL');
    case 'in-process-then-success':
    case 'in-process-then-fail':
    case 'in-process-until-expiry': {
      const delayMs = (call.delaySeconds ?? ctx.processingDelaySeconds) * 1000;
      if (scenario !== 'in-process-until-expiry') {
        p.finalizeAt = now + delayMs;
        p.finalCode = scenario === 'in-process-then-success' ? 'SUCCESS' : 'USER_BALANCE_NOT_ENOUGH';
      }
      ctx.store.putPayment(p);
      return { body: payAnswer(p) };
    }
    default:
      break;
  }
  p.status = 'SUCCESS';
  p.resultCode = 'SUCCESS';
  p.resultMessage = 'success.';
  p.paymentTime = now;
  if (scenario === 'debit-then-timeout') p.hangPending = true;
  ctx.store.putPayment(p);
  debit(ctx, p);
  notifyPayment(ctx, p);
  if (p.hangPending) {
    p.hangPending = false;
    return { body: payAnswer(p), holdMs: ctx.hangMs };
  }
  return { body: payAnswer(p) };
}

/** Finds a payment by paymentId (wins) or paymentRequestId, for this client only. */
function findPayment(ctx: SimContext, call: AmsCall): PaymentRecord | undefined {
  const paymentId = optionalString(call.body, 'paymentId', '', { max: 64 });
  const paymentRequestId = optionalString(call.body, 'paymentRequestId', '', { max: 64 });
  optionalString(call.body, 'merchantAccountId', '', { max: 32 });
  if (!paymentId && !paymentRequestId) throw new ParamIllegal('paymentId', 'or paymentRequestId is required');
  const p = paymentId
    ? ctx.store.state.payments[paymentId]
    : ctx.store.paymentByRequest(call.client.clientId, paymentRequestId as string);
  return p && p.clientId === call.client.clientId ? p : undefined;
}

/** POST /v1/payments/inquiryPayment — read-only; `result` says whether the query worked. */
export function inquiryPayment(ctx: SimContext, call: AmsCall): AmsAnswer {
  finalizeDuePayments(ctx);
  const p = findPayment(ctx, call);
  if (!p) return { body: { result: result('ORDER_NOT_EXIST') } };
  const refunds = Object.values(ctx.store.state.refunds).filter((r) => r.paymentId === p.paymentId);
  const transactions: Record<string, unknown>[] = refunds.map((r) => ({
    transactionType: 'REFUND',
    transactionStatus: r.status,
    transactionResult: { resultCode: r.resultCode, resultStatus: r.status === 'SUCCESS' ? 'S' : r.status === 'FAIL' ? 'F' : 'U', resultMessage: r.resultMessage },
    transactionId: r.refundId,
    transactionRequestId: r.refundRequestId,
    transactionAmount: wireAmount(r.currency, r.amountMinor),
    transactionTime: isoTime(r.refundTime ?? r.createdAt),
  }));
  if (p.status === 'CANCELLED' && p.cancelledAt !== undefined) {
    transactions.push({
      transactionType: 'CANCEL',
      transactionStatus: 'SUCCESS',
      transactionResult: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' },
      transactionId: p.paymentId,
      transactionRequestId: p.paymentRequestId,
      transactionAmount: wireAmount(p.currency, p.amountMinor),
      transactionTime: isoTime(p.cancelledAt),
    });
  }
  return {
    body: {
      result: result('SUCCESS'),
      paymentStatus: p.status,
      paymentResultCode: p.resultCode,
      paymentResultMessage: p.resultMessage || (RESULT_CODES[p.resultCode as ResultCode]?.[1] ?? p.resultCode),
      paymentRequestId: p.paymentRequestId,
      paymentId: p.paymentId,
      paymentAmount: wireAmount(p.currency, p.amountMinor),
      paymentCreateTime: isoTime(p.createdAt),
      ...(p.status === 'SUCCESS' || (p.status === 'CANCELLED' && p.paymentTime !== undefined)
        ? { paymentTime: isoTime(p.paymentTime ?? p.createdAt) }
        : {}),
      ...(p.status === 'SUCCESS' ? { pspCustomerInfo: pspCustomerInfo(p) } : {}),
      ...(p.status === 'SUCCESS' && p.wallet === 'ALIPAY_CN' && p.currency === 'CNY'
        ? { customsDeclarationAmount: wireAmount('CNY', p.amountMinor) }
        : {}),
      ...(transactions.length > 0 ? { transactions } : {}),
    },
  };
}

/** The last instant a payment created at `createdAt` can be cancelled: 00:15 GMT+8 on T+1. */
export function cancelDeadline(createdAt: number): number {
  return gmt8Midnight(gmt8Day(createdAt)) + 24 * 60 * 60_000 + 15 * 60_000;
}

/**
 * POST /v1/payments/cancel — full cancellation only. Idempotent: cancelling a cancelled payment answers
 * SUCCESS with the original cancelTime.
 */
export function cancel(ctx: SimContext, call: AmsCall): AmsAnswer {
  finalizeDuePayments(ctx);
  const p = findPayment(ctx, call);
  if (!p) return { body: { result: result('ORDER_NOT_EXIST') } };
  const ids = { paymentId: p.paymentId, paymentRequestId: p.paymentRequestId };
  if (p.status === 'CANCELLED') return { body: { result: result('SUCCESS'), ...ids, cancelTime: isoTime(p.cancelledAt ?? p.createdAt) } };
  const now = ctx.clock.now();
  if (now > cancelDeadline(p.createdAt)) return { body: { result: result('CANCEL_WINDOW_EXCEED') } };
  if (p.status === 'FAIL') return { body: { result: result('ORDER_STATUS_INVALID', 'A failed payment cannot be cancelled.') } };
  const hasRefunds = Object.values(ctx.store.state.refunds).some((r) => r.paymentId === p.paymentId && r.status !== 'FAIL');
  if (hasRefunds) return { body: { result: result('PROCESS_FAIL', 'The payment has refunds; it can no longer be cancelled.') } };
  const wasPaid = p.status === 'SUCCESS';
  p.status = 'CANCELLED';
  p.cancelledAt = now;
  p.resultCode = 'ORDER_IS_CLOSED';
  p.resultMessage = 'The payment was cancelled by the merchant.';
  delete p.finalizeAt;
  delete p.finalCode;
  ctx.store.putPayment(p);
  if (wasPaid) {
    ctx.store.moveBalance(p.wallet, p.account, p.amountMinor);
    // A cancelled transaction is not charged a fee: the reversal returns it.
    ledgerPayment(ctx, p, 'CANCEL_REVERSAL', now);
  }
  return { body: { result: result('SUCCESS'), ...ids, cancelTime: isoTime(now) } };
}
