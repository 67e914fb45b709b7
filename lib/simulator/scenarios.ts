/**
 * The simulator's fault scenarios and test accounts — one table, deterministic triggers.
 *
 * A scenario is chosen, in this order, by:
 *   1. the test account picked on the wallet page (or in the control API's approve call), which sticks
 *      to every token of that authorization;
 *   2. the `X-Simulator-Scenario: <name>` request header (names below; any AMS endpoint);
 *   3. the last three digits of the amount (`paymentAmount.value` for pay, `refundAmount.value` for
 *      refund), in minor units.
 * The README renders the same table; keep the two in step.
 */

export interface TestAccount {
  id: string;
  label: string;
  description: string;
  /** A pay by this account always fails with this code. */
  payFailure?: 'USER_STATUS_ABNORMAL' | 'RISK_REJECT';
  /** Starting balance in minor units; absent means unlimited. */
  balanceMinor?: bigint;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  /** The first refresh of an authorization by this account: the token rotates but the answer is held (refresh-answer-lost). */
  losesFirstRefreshAnswer?: boolean;
  /** Agreeing holds AUTHCODE_CREATED back (delayed-notification), so the buyer's return reaches the merchant first. */
  delaysAuthNotification?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

export const TEST_ACCOUNTS: readonly TestAccount[] = [
  { id: 'normal', label: 'Normal', description: 'Pays everything.', accessTokenTtlMs: 30 * DAY, refreshTokenTtlMs: 365 * DAY },
  {
    id: 'low-balance',
    label: 'Low balance',
    description: 'Holds 1000 minor units; payments beyond the balance fail with USER_BALANCE_NOT_ENOUGH.',
    balanceMinor: 1000n,
    accessTokenTtlMs: 30 * DAY,
    refreshTokenTtlMs: 365 * DAY,
  },
  {
    id: 'frozen',
    label: 'Frozen',
    description: 'Every payment fails with USER_STATUS_ABNORMAL.',
    payFailure: 'USER_STATUS_ABNORMAL',
    accessTokenTtlMs: 30 * DAY,
    refreshTokenTtlMs: 365 * DAY,
  },
  {
    id: 'risk-rejected',
    label: 'Risk rejected',
    description: 'Every payment fails with RISK_REJECT.',
    payFailure: 'RISK_REJECT',
    accessTokenTtlMs: 30 * DAY,
    refreshTokenTtlMs: 365 * DAY,
  },
  {
    id: 'short-token',
    label: 'Short token',
    description: 'Access token lives 2 minutes, refresh token 10 minutes: exercises refresh and expiry.',
    accessTokenTtlMs: 2 * 60 * 1000,
    refreshTokenTtlMs: 10 * 60 * 1000,
  },
  {
    id: 'refresh-answer-lost',
    label: 'Refresh answer lost',
    description: 'Pays everything; its first token refresh rotates the tokens but the answer is held back hangMs (the caller times out).',
    accessTokenTtlMs: 30 * DAY,
    refreshTokenTtlMs: 365 * DAY,
    losesFirstRefreshAnswer: true,
  },
  {
    id: 'late-auth-notification',
    label: 'Late authorization notification',
    description: 'Pays everything; agreeing holds AUTHCODE_CREATED back 30 s (simulated), so the buyer\'s return arrives first.',
    accessTokenTtlMs: 30 * DAY,
    refreshTokenTtlMs: 365 * DAY,
    delaysAuthNotification: true,
  },
];

export function getTestAccount(id: string | undefined): TestAccount {
  return TEST_ACCOUNTS.find((a) => a.id === id) ?? (TEST_ACCOUNTS[0] as TestAccount);
}

export type ScenarioName =
  | 'insufficient-balance'
  | 'risk-reject'
  | 'frozen-user'
  | 'in-process-then-success'
  | 'in-process-then-fail'
  | 'in-process-until-expiry'
  | 'debit-then-timeout'
  | 'unknown-exception'
  | 'rate-limited'
  | 'duplicate-notification'
  | 'delayed-notification'
  | 'no-notification'
  | 'refund-fail'
  | 'refund-in-process-then-success'
  | 'refund-in-process-then-fail'
  | 'refund-returned'
  | 'declaration-fail'
  | 'refresh-answer-lost';

export interface Scenario {
  name: ScenarioName;
  /** Endpoint it applies to. */
  appliesTo: 'pay' | 'refund' | 'declare' | 'applyToken' | 'any';
  /** Amount suffix trigger (last three digits, minor units), if any. */
  amountSuffix?: string;
  effect: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'insufficient-balance', appliesTo: 'pay', amountSuffix: '051', effect: 'F USER_BALANCE_NOT_ENOUGH; PAYMENT_RESULT F notified' },
  { name: 'risk-reject', appliesTo: 'pay', amountSuffix: '052', effect: 'F RISK_REJECT; PAYMENT_RESULT F notified' },
  { name: 'frozen-user', appliesTo: 'pay', amountSuffix: '053', effect: 'F USER_STATUS_ABNORMAL; PAYMENT_RESULT F notified' },
  {
    name: 'in-process-then-success',
    appliesTo: 'pay',
    amountSuffix: '061',
    effect: 'U PAYMENT_IN_PROCESS; SUCCESS after N s (default 5, header X-Simulator-Delay-Seconds) + PAYMENT_RESULT S',
  },
  {
    name: 'in-process-then-fail',
    appliesTo: 'pay',
    amountSuffix: '062',
    effect: 'U PAYMENT_IN_PROCESS; FAIL (USER_BALANCE_NOT_ENOUGH) after N s + PAYMENT_RESULT F',
  },
  {
    name: 'in-process-until-expiry',
    appliesTo: 'pay',
    amountSuffix: '063',
    effect: 'U PAYMENT_IN_PROCESS; closed at the 1-minute expiry: FAIL ORDER_IS_CLOSED + PAYMENT_RESULT F (cancel it first to test the resolver)',
  },
  {
    name: 'debit-then-timeout',
    appliesTo: 'pay',
    amountSuffix: '071',
    effect: 'money moves (ledger DEBIT, PAYMENT_RESULT S) but the first answer is held for hangMs (default 20 s real); replays answer SUCCESS at once',
  },
  { name: 'unknown-exception', appliesTo: 'any', amountSuffix: '081', effect: 'first call per request id: U UNKNOWN_EXCEPTION, nothing recorded; the identical retry proceeds' },
  {
    name: 'rate-limited',
    appliesTo: 'any',
    amountSuffix: '082',
    effect: 'U REQUEST_TRAFFIC_EXCEED_LIMIT (by suffix: first call per request id only; by header: every call)',
  },
  { name: 'duplicate-notification', appliesTo: 'pay', amountSuffix: '041', effect: 'SUCCESS; PAYMENT_RESULT delivered three times' },
  {
    name: 'delayed-notification',
    appliesTo: 'any',
    amountSuffix: '042',
    effect: 'SUCCESS; the notification is held back 30 s (simulated) so later events overtake it (out of order)',
  },
  { name: 'no-notification', appliesTo: 'any', amountSuffix: '043', effect: 'SUCCESS; no notification at all (forces the inquiry path)' },
  { name: 'refund-fail', appliesTo: 'refund', amountSuffix: '091', effect: 'F MERCHANT_BALANCE_NOT_ENOUGH; refund FAIL notified' },
  {
    name: 'refund-in-process-then-success',
    appliesTo: 'refund',
    amountSuffix: '092',
    effect: 'U REFUND_IN_PROCESS; SUCCESS after N s + refund notification',
  },
  { name: 'refund-in-process-then-fail', appliesTo: 'refund', amountSuffix: '093', effect: 'U REFUND_IN_PROCESS; FAIL after N s + refund notification' },
  {
    name: 'refund-returned',
    appliesTo: 'refund',
    amountSuffix: '094',
    effect: 'SUCCESS + refund notification, then the wallet returns the money a minute later (simulated): the reports carry the REFUND and a REFUND_REVERSAL row',
  },
  { name: 'declaration-fail', appliesTo: 'declare', effect: 'header only: the declaration ends FAIL instead of SUCCESS' },
  {
    name: 'refresh-answer-lost',
    appliesTo: 'applyToken',
    effect: 'REFRESH_TOKEN: the tokens rotate (the old refresh token stops working) but the answer is held for hangMs, so the caller times out. Header: every refresh; account refresh-answer-lost: its first refresh only',
  },
];

const BY_NAME = new Map(SCENARIOS.map((s) => [s.name, s]));

/**
 * Resolves the scenario for a call: header first (any endpoint it applies to), then the amount suffix
 * (only scenarios of that endpoint). Unknown header values are ignored, so a stray header never turns
 * a normal call into an error.
 */
export function pickScenario(
  endpoint: 'pay' | 'refund' | 'declare' | 'applyToken' | 'other',
  header: string | undefined,
  amountValue?: string,
): { scenario: Scenario; byHeader: boolean } | undefined {
  if (header) {
    const s = BY_NAME.get(header.trim() as ScenarioName);
    if (s && (s.appliesTo === 'any' || s.appliesTo === endpoint)) return { scenario: s, byHeader: true };
  }
  if (amountValue && amountValue.length >= 3) {
    const suffix = amountValue.slice(-3);
    const s = SCENARIOS.find(
      (x) => x.amountSuffix === suffix && (x.appliesTo === endpoint || (x.appliesTo === 'any' && endpoint !== 'declare')),
    );
    if (s) return { scenario: s, byHeader: false };
  }
  return undefined;
}
