/**
 * AMS result codes (ams-api.md §1.6, §5, §6.4, §9, §10.4, §4.3) with what they mean for a merchant and
 * what to do, plus the single mapper from `(resultStatus, resultCode)` to an outcome.
 *
 * `verified: false` marks codes that are the standard AMS set or Alipay-family names but were not read
 * on the page of the API concerned (ams-api.md §17).
 */

export type ResultStatus = 'S' | 'F' | 'U';
export type Outcome = 'success' | 'failed' | 'unknown';

/**
 * What the merchant should do. Listed in order in `actions` (first = do this now).
 * `retry_same_id`: resend the identical request (same request id, same body).
 * `ask_buyer`: the buyer must act (top up, use another method, fix the wallet account).
 */
export type ResultAction =
  | 'none'
  | 'fix_input'
  | 'reauthorize'
  | 'retry_same_id'
  | 'inquire'
  | 'cancel'
  | 'refund'
  | 'ask_buyer'
  | 'contact_antom';

export interface ResultCodeInfo {
  readonly code: string;
  readonly status: ResultStatus;
  readonly meaning: { readonly en: string; readonly 'zh-CN': string };
  readonly actions: readonly ResultAction[];
  /** APIs the code was documented for; `common` = every AMS API. */
  readonly apis: readonly string[];
  readonly verified: boolean;
}

export const RESULT_ACTION_LABELS: Readonly<Record<ResultAction, { en: string; 'zh-CN': string }>> = Object.freeze({
  none: { en: 'Nothing to do', 'zh-CN': '无需处理' },
  fix_input: { en: 'Fix the request or configuration', 'zh-CN': '修正请求或配置' },
  reauthorize: { en: 'Ask the customer to authorize again', 'zh-CN': '请客户重新授权' },
  retry_same_id: { en: 'Retry with the same request ID', 'zh-CN': '使用相同请求号重试' },
  inquire: { en: 'Check the status with an inquiry', 'zh-CN': '调用查询接口确认状态' },
  cancel: { en: 'Cancel the payment', 'zh-CN': '撤销该笔支付' },
  refund: { en: 'Refund instead', 'zh-CN': '改为发起退款' },
  ask_buyer: { en: 'Ask the customer to act (top up, other method)', 'zh-CN': '请客户处理(充值或更换支付方式)' },
  contact_antom: { en: 'Contact Antom support', 'zh-CN': '联系 Antom 技术支持' },
});

type Row = [code: string, status: ResultStatus, en: string, zh: string, actions: ResultAction[], apis: string[], verified: boolean];

const ROWS: Row[] = [
  // Common (§1.6)
  ['SUCCESS', 'S', 'The operation succeeded.', '操作成功。', ['none'], ['common'], true],
  ['ACCESS_DENIED', 'F', 'Antom denied access for this account.', 'Antom 拒绝了该账户的访问。', ['contact_antom'], ['common'], true],
  ['INVALID_CLIENT', 'F', 'The client ID is unknown or invalid.', '客户端 ID 无效或不存在。', ['fix_input'], ['common'], true],
  ['CLIENT_INVALID', 'F', 'The client ID is unknown or invalid.', '客户端 ID 无效或不存在。', ['fix_input'], ['common', 'cancel'], true],
  ['INVALID_CLIENT_STATUS', 'F', 'The Antom account is not in a usable state.', 'Antom 账户状态不可用。', ['contact_antom'], ['common'], true],
  ['CLIENT_FORBIDDEN_ACCESS_API', 'F', 'This account may not use this API (product not activated).', '该账户无权调用此接口(产品未开通)。', ['contact_antom'], ['common'], true],
  ['INVALID_API', 'F', 'The API is invalid or not activated.', '接口无效或未开通。', ['contact_antom'], ['common'], true],
  ['NO_INTERFACE_DEF', 'F', 'The API path does not exist.', '接口路径不存在。', ['fix_input'], ['common'], true],
  ['INVALID_SIGNATURE', 'F', 'Antom could not verify the request signature: the private key does not match the public key uploaded in the Dashboard, or the signed content differs.', 'Antom 验签失败:私钥与控制台上传的公钥不匹配,或签名内容不一致。', ['fix_input'], ['common'], true],
  ['KEY_NOT_FOUND', 'F', 'No key is configured for this client ID and key version.', '该客户端 ID 和密钥版本没有配置密钥。', ['fix_input'], ['common'], true],
  ['MEDIA_TYPE_NOT_ACCEPTABLE', 'F', 'The request Content-Type is not accepted.', '请求的 Content-Type 不被接受。', ['fix_input'], ['common'], false],
  ['METHOD_NOT_SUPPORTED', 'F', 'The HTTP method is not supported (use POST).', '不支持该 HTTP 方法(请使用 POST)。', ['fix_input'], ['common'], false],
  ['PARAM_ILLEGAL', 'F', 'A request field is missing or invalid.', '请求参数缺失或不合法。', ['fix_input'], ['common'], false],
  ['OAUTH_FAILED', 'F', 'The authorization layer failed.', '授权处理失败。', ['contact_antom'], ['common', 'revoke'], true],
  ['PROCESS_FAIL', 'F', 'Antom could not process the request (for example, the payment was already refunded). Do not retry.', '业务处理失败(例如该支付已退款),请勿重试。', ['contact_antom'], ['common', 'cancel'], false],
  ['REPEAT_REQ_INCONSISTENT', 'F', 'The request ID was already used with different content.', '请求号已被使用,但请求内容不一致。', ['fix_input'], ['common'], false],
  ['MERCHANT_NOT_REGISTERED', 'F', 'The (secondary) merchant is not registered with Antom.', '(二级)商户未在 Antom 注册。', ['contact_antom'], ['common', 'pay'], false],
  ['REQUEST_TRAFFIC_EXCEED_LIMIT', 'U', 'Too many requests right now; the outcome is not known yet.', '请求过于频繁,结果未知。', ['retry_same_id', 'inquire'], ['common'], false],
  ['UNKNOWN_EXCEPTION', 'U', 'Antom hit an unknown error; the outcome is not known yet.', 'Antom 发生未知异常,结果未知。', ['retry_same_id', 'inquire'], ['common'], true],
  // Authorization (§4.3, §5)
  ['INVALID_ACCESS_TOKEN', 'F', 'The payment token has expired, was revoked, or does not exist.', '支付令牌已过期、已撤销或不存在。', ['reauthorize'], ['revoke', 'pay'], true],
  ['INVALID_CODE', 'F', 'The authorization code is invalid.', '授权码无效。', ['reauthorize'], ['applyToken'], false],
  ['EXPIRED_CODE', 'F', 'The authorization code has expired.', '授权码已过期。', ['reauthorize'], ['applyToken'], false],
  ['USED_CODE', 'F', 'The authorization code was already used.', '授权码已被使用。', ['reauthorize'], ['applyToken'], false],
  ['INVALID_REFRESH_TOKEN', 'F', 'The refresh token is invalid.', '刷新令牌无效。', ['reauthorize'], ['applyToken'], false],
  ['EXPIRED_REFRESH_TOKEN', 'F', 'The refresh token has expired.', '刷新令牌已过期。', ['reauthorize'], ['applyToken'], false],
  ['USER_NOT_EXIST', 'F', "The customer's wallet account does not exist.", '客户的钱包账户不存在。', ['reauthorize'], ['applyToken', 'pay'], false],
  ['USER_STATUS_ABNORMAL', 'F', "The customer's wallet account is frozen or restricted.", '客户的钱包账户被冻结或受限。', ['ask_buyer'], ['applyToken', 'pay'], false],
  // Payment (§6.4)
  ['PAYMENT_IN_PROCESS', 'U', 'The wallet is still processing the payment.', '钱包仍在处理该笔支付。', ['inquire', 'cancel'], ['pay'], true],
  ['USER_BALANCE_NOT_ENOUGH', 'F', "The customer's wallet balance is too low.", '客户钱包余额不足。', ['ask_buyer'], ['pay'], true],
  ['RISK_REJECT', 'F', 'The payment was refused by risk control.', '该笔支付被风控拒绝。', ['ask_buyer'], ['pay'], true],
  ['UNAVAILABLE_PAYMENT_METHOD', 'F', "The funding source linked to the customer's wallet is unavailable.", '客户钱包绑定的资金来源不可用。', ['ask_buyer'], ['pay'], false],
  ['USER_PAYMENT_VERIFICATION_FAILED', 'F', 'The customer failed the wallet verification (OTP or PIN).', '客户未通过钱包验证(验证码或密码)。', ['ask_buyer'], ['pay'], false],
  ['USER_AMOUNT_EXCEED_LIMIT', 'F', "The amount is above the customer's wallet limit.", '金额超过客户钱包的限额。', ['ask_buyer'], ['pay'], false],
  ['PAYMENT_AMOUNT_EXCEED_LIMIT', 'F', 'The amount is above the per-transaction limit of the contract or method.', '金额超过合约或支付方式的单笔限额。', ['fix_input'], ['pay'], false],
  ['PAYMENT_COUNT_EXCEED_LIMIT', 'F', 'Too many payments for this customer or method.', '该客户或支付方式的支付次数超限。', ['ask_buyer'], ['pay'], false],
  ['USER_KYC_NOT_QUALIFIED', 'F', "The customer's wallet account has not passed identity verification (KYC).", '客户钱包账户未通过实名认证(KYC)。', ['ask_buyer'], ['pay'], false],
  ['CURRENCY_NOT_SUPPORT', 'F', 'The currency is not supported for this method or contract.', '该支付方式或合约不支持此币种。', ['fix_input'], ['pay', 'refund'], false],
  ['ORDER_IS_CLOSED', 'F', 'The payment order is closed (expired or cancelled); use a new request ID.', '支付单已关闭(过期或已撤销),请使用新的请求号。', ['fix_input'], ['pay'], false],
  ['INVALID_CONTRACT', 'F', 'The contract does not cover this payment method.', '合约未开通该支付方式。', ['contact_antom'], ['pay'], false],
  ['REGULATION_RESTRICTION', 'F', 'The payment is blocked by a regulatory restriction.', '该笔支付受监管限制。', ['ask_buyer'], ['pay'], false],
  // Cancel (§9)
  ['CANCEL_WINDOW_EXCEED', 'F', 'The cancellation window has passed; refund instead.', '已超过可撤销期限,请改为退款。', ['refund'], ['cancel'], true],
  ['ORDER_NOT_EXIST', 'F', 'Antom has no such payment or refund.', 'Antom 不存在该笔支付或退款。', ['fix_input', 'inquire'], ['cancel', 'inquiryPayment', 'refund'], true],
  ['ORDER_STATUS_INVALID', 'F', 'The payment is in a state that does not allow this operation.', '该笔支付当前状态不允许此操作。', ['inquire'], ['cancel', 'refund'], false],
  // Refund (§10.4)
  ['REFUND_AMOUNT_EXCEED', 'F', 'The refunds would exceed the amount paid.', '退款总额将超过支付金额。', ['fix_input'], ['refund'], false],
  ['REFUND_WINDOW_EXCEED', 'F', 'The refund period for this payment has passed.', '已超过该笔支付的可退款期限。', ['contact_antom'], ['refund'], false],
  ['MERCHANT_BALANCE_NOT_ENOUGH', 'F', 'Your settlement balance is too low for this refund.', '商户结算余额不足,无法退款。', ['contact_antom'], ['refund'], false],
  ['REFUND_IN_PROCESS', 'U', 'The refund was accepted and is still processing.', '退款已受理,正在处理中。', ['inquire'], ['refund'], false],
];

/** Every known result code, keyed by code. */
export const RESULT_CODES: Readonly<Record<string, ResultCodeInfo>> = Object.freeze(
  Object.fromEntries(
    ROWS.map(([code, status, en, zh, actions, apis, verified]) => [
      code,
      Object.freeze({ code, status, meaning: Object.freeze({ en, 'zh-CN': zh }), actions: Object.freeze(actions), apis: Object.freeze(apis), verified }),
    ]),
  ),
);

export interface ResultLike {
  readonly resultStatus?: string | null;
  readonly resultCode?: string | null;
}

/**
 * The one mapper from an AMS `result` to an outcome.
 * - `S` + a code documented as success → `success`.
 * - `F` → `failed`, unless the code is documented as in-progress/unknown (then `unknown`).
 * - `U`, a missing/garbled status, or a contradiction (`S` with a failure code) → `unknown`:
 *   whenever in doubt the answer is "not final — retry with the same id or inquire", never a guess.
 * Unknown codes fall back to their status.
 */
export function classifyResult(result: ResultLike | null | undefined): Outcome {
  const status = result?.resultStatus;
  const info = result?.resultCode ? RESULT_CODES[result.resultCode] : undefined;
  if (status === 'S') return !info || info.status === 'S' ? 'success' : 'unknown';
  if (status === 'F') return info?.status === 'U' ? 'unknown' : 'failed';
  return 'unknown';
}

export interface ResultDescription {
  readonly outcome: Outcome;
  readonly code: string;
  readonly known: boolean;
  readonly meaning: string;
  readonly actions: readonly ResultAction[];
}

/**
 * Merchant-facing description of a result in `en` or `zh-CN`. Unknown codes get a status-based
 * fallback (and Antom's own `resultMessage`, if any).
 */
export function describeResult(result: ResultLike & { resultMessage?: string | null }, locale: 'en' | 'zh-CN' = 'en'): ResultDescription {
  const outcome = classifyResult(result);
  const code = result.resultCode ?? '';
  const info = RESULT_CODES[code];
  if (info) return { outcome, code, known: true, meaning: info.meaning[locale], actions: info.actions };
  const fallback: Record<Outcome, { en: string; 'zh-CN': string; actions: ResultAction[] }> = {
    success: { en: 'The operation succeeded.', 'zh-CN': '操作成功。', actions: ['none'] },
    failed: { en: 'Antom refused the request.', 'zh-CN': 'Antom 拒绝了该请求。', actions: ['contact_antom'] },
    unknown: { en: 'The outcome is not known yet.', 'zh-CN': '结果未知。', actions: ['retry_same_id', 'inquire'] },
  };
  const f = fallback[outcome];
  const suffix = result.resultMessage ? ` (${code}: ${result.resultMessage})` : code ? ` (${code})` : '';
  return { outcome, code, known: false, meaning: f[locale] + suffix, actions: f.actions };
}
