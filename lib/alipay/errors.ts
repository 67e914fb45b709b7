/**
 * Typed errors of the AMS client. Every failure the module can produce is one of these classes, each
 * with a stable machine `code` (branch on it, never on the message) and a message written for the
 * person who has to fix it: it names the field, header or key involved and the likely cause.
 *
 * Modelled on stripe-node's `Error.ts`: one base class, one subclass per failure family.
 */

/**
 * The family of an AlipayError. Recognise errors with `isAlipayError(error, kind)`, never with `instanceof`:
 * a production build can hold several copies of this module (one per server bundle: the in-process worker,
 * each route, each action), and an error thrown by one copy is not an instance of another copy's class.
 */
export type AlipayErrorKind = 'key' | 'signature_header' | 'signature' | 'validation' | 'network' | 'idempotency' | 'http' | 'response' | 'config' | 'other';

/** A process-wide brand (Symbol.for is shared by every module copy), carrying the error's kind. */
const ALIPAY_ERROR_BRAND = Symbol.for('daikou.alipay.error.kind');

/** Base class of everything this module throws on purpose. Recognise it with `isAlipayError`. */
export class AlipayError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }, kind: AlipayErrorKind = 'other') {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, ALIPAY_ERROR_BRAND, { value: kind, enumerable: false });
  }

  /** The error's family (see AlipayErrorKind). */
  get kind(): AlipayErrorKind {
    return alipayErrorKind(this) ?? 'other';
  }
}

export type AlipayKeyErrorCode =
  | 'EMPTY_KEY'
  | 'UNREADABLE_KEY'
  | 'ENCRYPTED_KEY'
  | 'NOT_RSA'
  | 'KEY_TOO_SMALL'
  | 'PUBLIC_KEY_IN_PRIVATE_SLOT'
  | 'PRIVATE_KEY_IN_PUBLIC_SLOT'
  | 'KEY_PAIR_MISMATCH'
  | 'OWN_KEY_AS_ALIPAY_KEY';

/** A key could not be loaded, is too weak, or sits in the wrong configuration slot. */
export class AlipayKeyError extends AlipayError {
  declare readonly code: AlipayKeyErrorCode;

  constructor(code: AlipayKeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options, 'key');
  }
}

export type AlipaySignatureHeaderErrorCode =
  | 'MISSING_HEADER'
  | 'MALFORMED_HEADER'
  | 'MISSING_KEY'
  | 'DUPLICATE_KEY'
  | 'UNKNOWN_KEY'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_KEY_VERSION'
  | 'SIGNATURE_NOT_URL_ENCODED';

/** The `Signature` header is absent or cannot be parsed unambiguously. */
export class AlipaySignatureHeaderError extends AlipayError {
  declare readonly code: AlipaySignatureHeaderErrorCode;

  constructor(code: AlipaySignatureHeaderErrorCode, message: string) {
    super(code, message, undefined, 'signature_header');
  }
}

export type AlipaySignatureErrorCode =
  | 'MISSING_HEADER'
  | 'MALFORMED_HEADER'
  | 'DUPLICATE_HEADER'
  | 'UNKNOWN_KEY_VERSION'
  | 'CLIENT_ID_MISMATCH'
  | 'EMPTY_BODY'
  | 'BODY_NOT_RAW'
  | 'TRUNCATED_SIGNATURE'
  | 'INVALID_SIGNATURE'
  | 'UNSIGNED_SUCCESS'
  | 'STALE_MESSAGE';

/**
 * A signed message (answer or notification) failed verification. Raised before the body is parsed,
 * so nothing downstream ever sees an unverified payload.
 */
export class AlipaySignatureError extends AlipayError {
  declare readonly code: AlipaySignatureErrorCode;

  constructor(code: AlipaySignatureErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options, 'signature');
  }
}

/** An outgoing request body failed validation; nothing was sent. `field` is a dotted path. */
export class AlipayValidationError extends AlipayError {
  /** Dotted path of the first offending field (`paymentAmount.value`). */
  readonly field: string;
  /** Every problem found, not just the first. */
  readonly issues: readonly { readonly field: string; readonly message: string }[];

  constructor(issues: readonly { field: string; message: string }[], endpoint?: string) {
    const first = issues[0] ?? { field: '(body)', message: 'is invalid' };
    const list = issues.map((i) => `${i.field} ${i.message}`).join('; ');
    super('INVALID_REQUEST', `${endpoint ? `${endpoint} request not sent: ` : ''}${list}`, undefined, 'validation');
    this.field = first.field;
    this.issues = issues;
  }
}

/**
 * The call may or may not have reached Antom (connection error, timeout, 5xx after the last retry).
 * The outcome is UNKNOWN: retry with the same request id, or inquire — never treat it as a failure.
 */
export class AlipayNetworkError extends AlipayError {
  readonly attempts: number;

  constructor(code: 'NETWORK_ERROR' | 'TIMEOUT' | 'SERVER_ERROR', message: string, attempts: number, options?: { cause?: unknown }) {
    super(code, message, options, 'network');
    this.attempts = attempts;
  }
}

/**
 * A resend would not carry the byte-identical body of the first request with the same request id.
 * Raised before sending: nothing reached Antom.
 */
export class AlipayIdempotencyError extends AlipayError {
  constructor(message: string) {
    super('BODY_MISMATCH', message, undefined, 'idempotency');
  }
}

/** A non-200, non-5xx HTTP status: the gateway refused the request before any business processing. */
export class AlipayHttpError extends AlipayError {
  readonly status: number;

  constructor(status: number, message: string) {
    super('HTTP_ERROR', message, undefined, 'http');
    this.status = status;
  }
}

/** A verified answer or notification whose body does not have the documented shape. */
export class AlipayResponseError extends AlipayError {
  constructor(code: 'INVALID_JSON' | 'INVALID_SHAPE', message: string, options?: { cause?: unknown }) {
    super(code, message, options, 'response');
  }
}

/** `createAlipayClient` was given an unusable configuration. */
export class AlipayConfigError extends AlipayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_CONFIG', message, options, 'config');
  }
}

interface AlipayErrorByKind {
  key: AlipayKeyError;
  signature_header: AlipaySignatureHeaderError;
  signature: AlipaySignatureError;
  validation: AlipayValidationError;
  network: AlipayNetworkError;
  idempotency: AlipayIdempotencyError;
  http: AlipayHttpError;
  response: AlipayResponseError;
  config: AlipayConfigError;
  other: AlipayError;
}

/** The kind of an error thrown by any copy of this module, or null for anything else. */
export function alipayErrorKind(error: unknown): AlipayErrorKind | null {
  if (typeof error !== 'object' || error === null) return null;
  const kind = (error as Record<symbol, unknown>)[ALIPAY_ERROR_BRAND];
  return typeof kind === 'string' ? (kind as AlipayErrorKind) : null;
}

/**
 * True when `error` was thrown by this module (any copy of it), and — given `kind` — is of that family.
 * The one way to recognise these errors; `instanceof` fails across bundles.
 */
export function isAlipayError(error: unknown): error is AlipayError;
export function isAlipayError<K extends AlipayErrorKind>(error: unknown, kind: K): error is AlipayErrorByKind[K];
export function isAlipayError(error: unknown, kind?: AlipayErrorKind): boolean {
  const actual = alipayErrorKind(error);
  return actual !== null && (kind === undefined || actual === kind);
}
