/**
 * The simulator's state: every client, authorization, payment, refund, declaration, ledger entry and
 * notification, held in memory (the request path never touches the disk) and saved as one JSON
 * snapshot at `<dataDir>/simulator/state.json`.
 *
 * Invariants:
 * - Saves are debounced and atomic (write a temp file, then rename), so a crash leaves the previous
 *   complete snapshot, never a torn one. The debounce stretches to ten times the last save's duration
 *   (capped at MAX_SAVE_INTERVAL_MS), so a large state under heavy load spends at most ~10 % of the
 *   time snapshotting; `flush()` (called on close) always writes at once.
 * - bigint fields are named `…Minor` and stored as strings; `load` turns them back into bigint.
 * - Lookup indexes (paymentRequestId, tokens, auth codes …) are derived at load and kept in step by the
 *   only mutators, the `put…` methods below.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface ClientRecord {
  clientId: string;
  /** keyVersion → merchant public key PEM. */
  keys: Record<string, string>;
  notifyUrls: { payment?: string; refund?: string; authorization?: string };
  merchantName: string;
  registeredAt: number;
  /** Reports (ams-api.md §13): how this client's files look. */
  reports?: ClientReportSettings;
}

export interface ClientReportSettings {
  /** The merchant ID Antom assigned (customerId, the SFTP folder); default derived from the client id. */
  merchantId?: string;
  /** Cross-currency settlement: transaction currency (or "*") → settlement currency, e.g. { KRW: 'USD' }, with `quotes`. */
  settleIn?: Record<string, string>;
  /** "KRW/USD" → "0.00075": 1 unit of the first currency in the second. */
  quotes?: Record<string, string>;
  /**
   * A SETTLEMENT_FEE charged per settlement batch, in major units of the settlement currency (e.g. "1.50"):
   * one SETTLEMENT_FEE row in the transaction details and the batch's settlement files. Unset: none.
   */
  settlementFee?: string;
  /** 'current' (default) or 'ams' (the older AMS / Auto Debit headers). */
  variant?: 'current' | 'ams';
  /** PSP / acquirer name written in the files; HUNDSUN and 2C2P add an error-correction line to summaries. */
  acquirer?: string;
}

export type AuthorizationStatus =
  | 'CONSULTED'
  | 'AUTHCODE_ISSUED'
  | 'DECLINED'
  | 'TOKEN_ACTIVE'
  | 'TOKEN_REVOKED'
  | 'TOKEN_EXPIRED';

export interface AuthorizationRecord {
  id: string;
  clientId: string;
  wallet: string;
  status: AuthorizationStatus;
  authState: string;
  authRedirectUrl: string;
  scopes: string[];
  terminalType: string;
  osType?: string;
  authClientId?: string;
  notifyUrl?: string;
  sandbox: boolean;
  consultedAt: number;
  consultExpiresAt: number;
  account?: string;
  authCode?: string;
  authCodeExpiresAt?: number;
  authCodeUsedAt?: number;
  accessToken?: string;
  accessTokenExpiresAt?: number;
  /** Earlier access tokens stay valid until their own expiry after a refresh (UNVERIFIED, see README). */
  previousAccessTokens: { token: string; expiresAt: number }[];
  refreshToken?: string;
  refreshTokenExpiresAt?: number;
  userLoginId?: string;
  tokenIssuedAt?: number;
  revokedAt?: number;
  revokedBy?: 'MERCHANT' | 'WALLET';
  revokeReason?: string;
}

export type PaymentStatus = 'SUCCESS' | 'FAIL' | 'PROCESSING' | 'CANCELLED';

export interface PaymentRecord {
  paymentId: string;
  paymentRequestId: string;
  clientId: string;
  wallet: string;
  account?: string;
  authorizationId?: string;
  accessToken: string;
  currency: string;
  amountMinor: bigint;
  status: PaymentStatus;
  resultCode: string;
  resultMessage: string;
  createdAt: number;
  expiresAt: number;
  paymentTime?: number;
  /** For PROCESSING: when and how the wallet settles it. */
  finalizeAt?: number;
  finalCode?: string;
  cancelledAt?: number;
  /** Sum of refunds that succeeded or are still processing. */
  refundedMinor: bigint;
  notifyUrl?: string;
  referenceOrderId: string;
  orderDescription: string;
  /** Canonical string of the fields compared for REPEAT_REQ_INCONSISTENT. */
  fingerprint: string;
  notifyMode?: NotifyMode;
  /** Debit-then-timeout: the first answer is held back; later replays answer at once. */
  hangPending?: boolean;
  feeMinor: bigint;
}

export type NotifyMode = 'normal' | 'duplicate' | 'delayed' | 'none';

export type RefundStatus = 'SUCCESS' | 'FAIL' | 'PROCESSING';

export interface RefundRecord {
  refundId: string;
  refundRequestId: string;
  clientId: string;
  paymentId: string;
  currency: string;
  amountMinor: bigint;
  status: RefundStatus;
  resultCode: string;
  resultMessage: string;
  createdAt: number;
  refundTime?: number;
  finalizeAt?: number;
  finalCode?: string;
  notifyUrl?: string;
  fingerprint: string;
  refundReason?: string;
  notifyMode?: NotifyMode;
  feeMinor: bigint;
  /** Scenario refund-returned: the wallet gives the money back after the refund succeeded. */
  returns?: boolean;
  /** When the wallet returned it (a REFUND_REVERSAL ledger entry); the refund itself stays SUCCESS. */
  returnedAt?: number;
}

export type DeclarationStatus = 'WAITING_FOR_PROCESSING' | 'SUCCESS' | 'FAIL';

export interface DeclarationRecord {
  declarationRequestId: string;
  clientId: string;
  paymentId: string;
  customsPaymentId: string;
  customsOrderId: string;
  currency: string;
  amountMinor: bigint;
  customsCode: string;
  customsRegion: string;
  merchantCustomsCode: string;
  merchantCustomsName: string;
  splitOrder: boolean;
  subOrderId?: string;
  identityChecked: boolean;
  status: DeclarationStatus;
  createdAt: number;
  finalizeAt: number;
  finalStatus: 'SUCCESS' | 'FAIL';
  lastModifiedAt: number;
  fingerprint: string;
}

/** REFUND_REVERSAL: a refund the wallet returned to the merchant (scenario refund-returned). */
export type LedgerKind = 'DEBIT' | 'REFUND' | 'CANCEL_REVERSAL' | 'REFUND_REVERSAL';

/** What really moved in the (simulated) wallet. Amounts are positive; the kind gives the direction. */
export interface LedgerEntry {
  seq: number;
  at: number;
  clientId: string;
  kind: LedgerKind;
  paymentId: string;
  paymentRequestId: string;
  refundId?: string;
  refundRequestId?: string;
  wallet: string;
  account?: string;
  currency: string;
  amountMinor: bigint;
  feeMinor: bigint;
}

export type NotificationType = 'PAYMENT_RESULT' | 'REFUND_RESULT' | 'AUTHCODE_CREATED' | 'TOKEN_CANCELED';

export interface NotificationRecord {
  id: string;
  clientId: string;
  type: NotificationType;
  url: string;
  /** The exact body; every resend carries the same bytes (only Request-Time and Signature change). */
  body: string;
  relatedId: string;
  status: 'PENDING' | 'DELIVERED' | 'GAVE_UP';
  attempts: number;
  createdAt: number;
  nextAttemptAt?: number;
  deliveredAt?: number;
}

export interface DeliveryAttempt {
  notificationId: string;
  type: NotificationType;
  attempt: number;
  at: number;
  url: string;
  httpStatus: number | null;
  latencyMs: number;
  answer: string;
  acknowledged: boolean;
  forced: boolean;
  error?: string;
}

export interface SimState {
  version: 1;
  clockOffsetMs: number;
  clients: Record<string, ClientRecord>;
  authorizations: Record<string, AuthorizationRecord>;
  payments: Record<string, PaymentRecord>;
  refunds: Record<string, RefundRecord>;
  declarations: Record<string, DeclarationRecord>;
  ledger: LedgerEntry[];
  notifications: Record<string, NotificationRecord>;
  deliveries: DeliveryAttempt[];
  /** Remaining balance of test accounts that have one, keyed `wallet:account`. */
  balances: Record<string, { balanceMinor: bigint }>;
  /** One-shot scenario markers (e.g. "UNKNOWN_EXCEPTION already served for this request id"). */
  marks: Record<string, number>;
}

/** Deliveries kept in the snapshot; older attempts are dropped first (the log is for people). */
const MAX_DELIVERIES = 20_000;

function emptyState(): SimState {
  return {
    version: 1,
    clockOffsetMs: 0,
    clients: {},
    authorizations: {},
    payments: {},
    refunds: {},
    declarations: {},
    ledger: [],
    notifications: {},
    deliveries: [],
    balances: {},
    marks: {},
  };
}

/** Longest wait between a change and its snapshot: bounds what a hard kill can lose. */
const MAX_SAVE_INTERVAL_MS = 5_000;

const key = (clientId: string, id: string): string => `${clientId}\u0000${id}`;

export class SimStore {
  state: SimState;
  private readonly file: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly debounceMs: number;
  private lastSaveMs = 0;
  private readonly paymentByRequestId = new Map<string, string>();
  private readonly refundByRequestId = new Map<string, string>();
  private readonly authByCode = new Map<string, string>();
  private readonly authByAccessToken = new Map<string, string>();
  private readonly authByRefreshToken = new Map<string, string>();
  readonly processingPayments = new Set<string>();
  readonly processingRefunds = new Set<string>();
  readonly pendingNotifications = new Set<string>();

  /** `dir` undefined keeps everything in memory (benchmarks that should not measure the disk). */
  constructor(dir: string | undefined, debounceMs = 250) {
    this.file = dir ? path.join(dir, 'state.json') : undefined;
    this.debounceMs = debounceMs;
    this.state = emptyState();
    if (this.file && existsSync(this.file)) {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8'), (k, v) =>
        typeof v === 'string' && k.endsWith('Minor') && /^-?\d+$/.test(v) ? BigInt(v) : v,
      ) as SimState;
      this.state = { ...emptyState(), ...parsed };
    }
    this.reindex();
  }

  private reindex(): void {
    const s = this.state;
    for (const p of Object.values(s.payments)) this.indexPayment(p);
    for (const r of Object.values(s.refunds)) this.indexRefund(r);
    for (const a of Object.values(s.authorizations)) this.indexAuthorization(a);
    for (const n of Object.values(s.notifications)) if (n.status === 'PENDING') this.pendingNotifications.add(n.id);
  }

  private indexPayment(p: PaymentRecord): void {
    this.paymentByRequestId.set(key(p.clientId, p.paymentRequestId), p.paymentId);
    if (p.status === 'PROCESSING') this.processingPayments.add(p.paymentId);
    else this.processingPayments.delete(p.paymentId);
  }

  private indexRefund(r: RefundRecord): void {
    this.refundByRequestId.set(key(r.clientId, r.refundRequestId), r.refundId);
    if (r.status === 'PROCESSING') this.processingRefunds.add(r.refundId);
    else this.processingRefunds.delete(r.refundId);
  }

  private indexAuthorization(a: AuthorizationRecord): void {
    if (a.authCode) this.authByCode.set(a.authCode, a.id);
    if (a.accessToken) this.authByAccessToken.set(a.accessToken, a.id);
    for (const t of a.previousAccessTokens) this.authByAccessToken.set(t.token, a.id);
    if (a.refreshToken) this.authByRefreshToken.set(a.refreshToken, a.id);
  }

  putPayment(p: PaymentRecord): void {
    this.state.payments[p.paymentId] = p;
    this.indexPayment(p);
    this.markDirty();
  }

  putRefund(r: RefundRecord): void {
    this.state.refunds[r.refundId] = r;
    this.indexRefund(r);
    this.markDirty();
  }

  putAuthorization(a: AuthorizationRecord): void {
    this.state.authorizations[a.id] = a;
    this.indexAuthorization(a);
    this.markDirty();
  }

  putNotification(n: NotificationRecord): void {
    this.state.notifications[n.id] = n;
    if (n.status === 'PENDING') this.pendingNotifications.add(n.id);
    else this.pendingNotifications.delete(n.id);
    this.markDirty();
  }

  addDelivery(d: DeliveryAttempt): void {
    this.state.deliveries.push(d);
    if (this.state.deliveries.length > MAX_DELIVERIES) this.state.deliveries.splice(0, this.state.deliveries.length - MAX_DELIVERIES);
    this.markDirty();
  }

  addLedger(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const full = { seq: this.state.ledger.length + 1, ...entry };
    this.state.ledger.push(full);
    this.markDirty();
    return full;
  }

  paymentByRequest(clientId: string, paymentRequestId: string): PaymentRecord | undefined {
    const id = this.paymentByRequestId.get(key(clientId, paymentRequestId));
    return id === undefined ? undefined : this.state.payments[id];
  }

  refundByRequest(clientId: string, refundRequestId: string): RefundRecord | undefined {
    const id = this.refundByRequestId.get(key(clientId, refundRequestId));
    return id === undefined ? undefined : this.state.refunds[id];
  }

  authorizationByCode(code: string): AuthorizationRecord | undefined {
    const id = this.authByCode.get(code);
    return id === undefined ? undefined : this.state.authorizations[id];
  }

  authorizationByAccessToken(token: string): AuthorizationRecord | undefined {
    const id = this.authByAccessToken.get(token);
    return id === undefined ? undefined : this.state.authorizations[id];
  }

  authorizationByRefreshToken(token: string): AuthorizationRecord | undefined {
    const id = this.authByRefreshToken.get(token);
    return id === undefined ? undefined : this.state.authorizations[id];
  }

  /**
   * Adds `deltaMinor` (negative for a debit) to a test account's balance, if that account has one;
   * accounts without a balance are unlimited and ignored.
   */
  moveBalance(wallet: string, account: string | undefined, deltaMinor: bigint): void {
    const bal = this.state.balances[`${wallet}:${account ?? ''}`];
    if (bal) bal.balanceMinor += deltaMinor;
  }

  /** The balance of a test account, created at `initialMinor` on first use. */
  balanceOf(wallet: string, account: string, initialMinor: bigint): bigint {
    return (this.state.balances[`${wallet}:${account}`] ??= { balanceMinor: initialMinor }).balanceMinor;
  }

  /**
   * One-shot marker: true the first time `key` is seen (and records it), false afterwards. Drives the
   * "fail the first call of this request id, let the identical retry through" scenarios.
   */
  firstTime(key: string, now: number): boolean {
    if (this.state.marks[key] !== undefined) return false;
    this.state.marks[key] = now;
    this.markDirty();
    return true;
  }

  declarationKey(clientId: string, declarationRequestId: string): string {
    return key(clientId, declarationRequestId);
  }

  /** Schedules a snapshot; many mutations within the debounce window cost one write. */
  markDirty(): void {
    if (!this.file || this.timer) return;
    const delay = Math.min(MAX_SAVE_INTERVAL_MS, Math.max(this.debounceMs, this.lastSaveMs * 10));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, delay);
    this.timer.unref();
  }

  /** Writes the snapshot now (temp file + rename). */
  flush(): void {
    if (!this.file) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const started = performance.now();
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    renameSync(tmp, this.file);
    this.lastSaveMs = performance.now() - started;
  }
}
