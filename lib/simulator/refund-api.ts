/**
 * refund and inquiryRefund (ams-api.md §10, §11, §16.2).
 *
 * Invariants: one refund per (client, refundRequestId), replays answer from the stored refund,
 * different content → REPEAT_REQ_INCONSISTENT; for every payment, the sum of refunds that succeeded or
 * are still processing never exceeds the amount paid; only a SUCCESS payment (not cancelled) is
 * refundable, within the wallet's refund window (catalog, default 365 days); each refund reaching a final state is notified and ledgered once.
 */
import type { AmsAnswer, AmsCall, SimContext } from './context';
import { pickScenario } from './scenarios';
import type { NotifyMode, RefundRecord } from './store';
import { optionalString, optionalUrl, ParamIllegal, requiredAmount, requiredString } from './validate';
import { getWallet, walletAmountIssues } from './wallets';
import { antomId, wireAmount, isoTime, result, RESULT_CODES, type ResultCode } from './wire';

const DAY_MS = 24 * 60 * 60_000;

const statusLetter = (r: RefundRecord) => (r.status === 'SUCCESS' ? 'S' : r.status === 'FAIL' ? 'F' : 'U');

function refundAnswer(r: RefundRecord): Record<string, unknown> {
  if (r.status === 'FAIL') {
    return { result: { resultCode: r.resultCode, resultStatus: 'F', resultMessage: r.resultMessage } };
  }
  return {
    result: r.status === 'SUCCESS' ? result('SUCCESS') : result('REFUND_IN_PROCESS'),
    refundRequestId: r.refundRequestId,
    refundId: r.refundId,
    paymentId: r.paymentId,
    refundAmount: wireAmount(r.currency, r.amountMinor),
    refundTime: isoTime(r.refundTime ?? r.createdAt),
  };
}

function notifyRefund(ctx: SimContext, r: RefundRecord): void {
  const client = ctx.store.state.clients[r.clientId];
  ctx.notifier.enqueue({
    clientId: r.clientId,
    type: 'REFUND_RESULT',
    url: r.notifyUrl ?? client?.notifyUrls.refund,
    relatedId: r.refundId,
    mode: r.notifyMode ?? 'normal',
    body: {
      result:
        r.status === 'SUCCESS'
          ? { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' }
          : { resultCode: r.resultCode, resultStatus: 'F', resultMessage: r.resultMessage },
      refundStatus: r.status,
      refundRequestId: r.refundRequestId,
      refundId: r.refundId,
      refundAmount: wireAmount(r.currency, r.amountMinor),
      refundTime: isoTime(r.refundTime ?? r.createdAt),
    },
  });
}

/** Final state of a refund: SUCCESS credits the wallet and the ledger; FAIL releases the amount. */
function finalizeRefund(ctx: SimContext, r: RefundRecord, code: string): void {
  const now = ctx.clock.now();
  const p = ctx.store.state.payments[r.paymentId];
  r.refundTime = now;
  if (code === 'SUCCESS' && p) {
    r.status = 'SUCCESS';
    r.resultCode = 'SUCCESS';
    r.resultMessage = 'success.';
    ctx.store.moveBalance(p.wallet, p.account, r.amountMinor);
    const entry = {
      clientId: r.clientId,
      paymentId: p.paymentId,
      paymentRequestId: p.paymentRequestId,
      refundId: r.refundId,
      refundRequestId: r.refundRequestId,
      wallet: p.wallet,
      ...(p.account ? { account: p.account } : {}),
      currency: r.currency,
      amountMinor: r.amountMinor,
    };
    ctx.store.addLedger({ ...entry, at: now, kind: 'REFUND', feeMinor: r.feeMinor });
    if (r.returns) {
      // The wallet cannot credit the buyer and sends the money back a minute later: Antom reports it as a
      // REFUND_REVERSAL (§13.6). The refund stays SUCCESS in inquiries and notifications.
      r.returnedAt = now + 60_000;
      ctx.store.moveBalance(p.wallet, p.account, -r.amountMinor);
      ctx.store.addLedger({ ...entry, at: r.returnedAt, kind: 'REFUND_REVERSAL', feeMinor: 0n });
    }
  } else {
    r.status = 'FAIL';
    r.resultCode = code;
    r.resultMessage = RESULT_CODES[code as ResultCode]?.[1] ?? code;
    if (p) {
      p.refundedMinor -= r.amountMinor;
      ctx.store.putPayment(p);
    }
  }
  delete r.finalizeAt;
  delete r.finalCode;
  ctx.store.putRefund(r);
  notifyRefund(ctx, r);
}

/** Settles PROCESSING refunds whose time has come (server ticker). */
export function finalizeDueRefunds(ctx: SimContext): void {
  const now = ctx.clock.now();
  for (const id of ctx.store.processingRefunds) {
    const r = ctx.store.state.refunds[id];
    if (r && r.status === 'PROCESSING' && (r.finalizeAt ?? 0) <= now) finalizeRefund(ctx, r, r.finalCode ?? 'SUCCESS');
  }
}

/** POST /v1/payments/refund — synchronous S/F for wallets; U only in the in-process scenarios. */
export function refund(ctx: SimContext, call: AmsCall): AmsAnswer {
  const b = call.body;
  const clientId = call.client.clientId;
  const refundRequestId = requiredString(b, 'refundRequestId', '', { max: 64 });
  if (b['paymentId'] === undefined && b['paymentRequestId'] !== undefined) {
    throw new ParamIllegal('paymentId', 'is required (refund does not accept paymentRequestId)');
  }
  const paymentId = requiredString(b, 'paymentId', '', { max: 64 });
  const amount = requiredAmount(b, 'refundAmount');
  optionalString(b, 'referenceRefundId', '', { max: 64 });
  const refundReason = optionalString(b, 'refundReason', '', { max: 256 });
  const notifyUrl = optionalUrl(b, 'refundNotifyUrl', 1024);

  const fingerprint = [paymentId, amount.currency, amount.value].join('|');
  const existing = ctx.store.refundByRequest(clientId, refundRequestId);
  if (existing) {
    if (existing.fingerprint !== fingerprint) return { body: { result: result('REPEAT_REQ_INCONSISTENT') } };
    return { body: refundAnswer(existing) };
  }
  const p = ctx.store.state.payments[paymentId];
  if (!p || p.clientId !== clientId) return { body: { result: result('ORDER_NOT_EXIST') } };

  const picked = pickScenario('refund', call.scenarioHeader, amount.value);
  const scenario = picked?.scenario.name;
  if ((scenario === 'unknown-exception' || scenario === 'rate-limited') && !picked?.byHeader) {
    if (ctx.store.firstTime(`refund:${clientId}:${refundRequestId}:${scenario}`, ctx.clock.now())) {
      return { body: { result: result(scenario === 'rate-limited' ? 'REQUEST_TRAFFIC_EXCEED_LIMIT' : 'UNKNOWN_EXCEPTION') } };
    }
  }

  const now = ctx.clock.now();
  const wallet = getWallet(p.wallet);
  const r: RefundRecord = {
    refundId: antomId('refund', now),
    refundRequestId,
    clientId,
    paymentId,
    currency: amount.currency,
    amountMinor: amount.valueMinor,
    status: 'PROCESSING',
    resultCode: 'REFUND_IN_PROCESS',
    resultMessage: '',
    createdAt: now,
    ...(notifyUrl ? { notifyUrl } : {}),
    fingerprint,
    ...(refundReason ? { refundReason } : {}),
    feeMinor: ctx.fees.refundReturnsFee && p.amountMinor > 0n ? (p.feeMinor * amount.valueMinor) / p.amountMinor : 0n,
  };
  const notifyMode: NotifyMode | undefined =
    scenario === 'delayed-notification' ? 'delayed' : scenario === 'no-notification' ? 'none' : undefined;
  if (notifyMode) r.notifyMode = notifyMode;
  if (scenario === 'refund-returned') r.returns = true;

  const fail = (code: ResultCode, message?: string): AmsAnswer => {
    r.status = 'FAIL';
    r.resultCode = code;
    r.resultMessage = message ?? RESULT_CODES[code][1];
    r.refundTime = now;
    ctx.store.putRefund(r);
    notifyRefund(ctx, r);
    return { body: refundAnswer(r) };
  };

  if (p.status !== 'SUCCESS') return fail('ORDER_STATUS_INVALID', `The payment is ${p.status}; only a successful payment can be refunded.`);
  if (amount.currency !== p.currency) return fail('CURRENCY_NOT_SUPPORT', `Refund in the payment currency ${p.currency}.`);
  if (wallet && !wallet.supportsRefund) return fail('PROCESS_FAIL', `${wallet.code} does not support refunds.`);
  const windowMs = (wallet?.refundWindowDays ?? 365) * DAY_MS;
  if (now > (p.paymentTime ?? p.createdAt) + windowMs) return fail('REFUND_WINDOW_EXCEED');
  // Minimum and multiple-of rules; the per-transaction maximum does not bind refunds (they are ≤ paid).
  const issue = wallet ? walletAmountIssues(wallet, amount.valueMinor).find((i) => i.code !== 'TOO_LARGE') : undefined;
  if (issue) throw new ParamIllegal('refundAmount.value', `breaks a ${p.wallet} rule: ${issue.message}`);
  if (p.refundedMinor + amount.valueMinor > p.amountMinor) return fail('REFUND_AMOUNT_EXCEED');
  if (wallet && !wallet.partialRefund && amount.valueMinor !== p.amountMinor) {
    return fail('PROCESS_FAIL', `${wallet.code} does not support partial refunds.`);
  }
  if (wallet && !wallet.multipleRefunds && p.refundedMinor > 0n) {
    return fail('PROCESS_FAIL', `${wallet.code} allows only one refund per payment.`);
  }
  if (scenario === 'refund-fail') return fail('MERCHANT_BALANCE_NOT_ENOUGH');

  // Reserve the amount now so concurrent refunds cannot oversubscribe the payment.
  p.refundedMinor += amount.valueMinor;
  ctx.store.putPayment(p);
  if (scenario === 'refund-in-process-then-success' || scenario === 'refund-in-process-then-fail') {
    r.finalizeAt = now + (call.delaySeconds ?? ctx.processingDelaySeconds) * 1000;
    r.finalCode = scenario === 'refund-in-process-then-success' ? 'SUCCESS' : 'PROCESS_FAIL';
    ctx.store.putRefund(r);
    return { body: refundAnswer(r) };
  }
  ctx.store.putRefund(r);
  finalizeRefund(ctx, r, 'SUCCESS');
  return { body: refundAnswer(r) };
}

/** POST /v1/payments/inquiryRefund — refundId wins over refundRequestId. */
export function inquiryRefund(ctx: SimContext, call: AmsCall): AmsAnswer {
  finalizeDueRefunds(ctx);
  const refundId = optionalString(call.body, 'refundId', '', { max: 64 });
  const refundRequestId = optionalString(call.body, 'refundRequestId', '', { max: 64 });
  optionalString(call.body, 'merchantAccountId', '', { max: 32 });
  if (!refundId && !refundRequestId) throw new ParamIllegal('refundId', 'or refundRequestId is required');
  const r = refundId ? ctx.store.state.refunds[refundId] : ctx.store.refundByRequest(call.client.clientId, refundRequestId as string);
  if (!r || r.clientId !== call.client.clientId) return { body: { result: result('REFUND_NOT_EXIST') } };
  return {
    body: {
      result: result('SUCCESS'),
      refundId: r.refundId,
      refundRequestId: r.refundRequestId,
      refundAmount: wireAmount(r.currency, r.amountMinor),
      refundStatus: r.status,
      ...(r.status === 'SUCCESS' ? { refundTime: isoTime(r.refundTime ?? r.createdAt) } : {}),
      ...(r.status === 'FAIL' ? { refundResult: { resultCode: r.resultCode, resultStatus: statusLetter(r), resultMessage: r.resultMessage } } : {}),
    },
  };
}
