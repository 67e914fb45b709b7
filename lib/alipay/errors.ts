/**
 * Typed errors of the AMS client. Every failure the module can produce is one of these classes, each
 * with a stable machine `code` (branch on it, never on the message) and a message written for the
 * person who has to fix it: it names the field, header or key involved and the likely cause.
 *
 * Modelled on stripe-node's `Error.ts`: one base class, one subclass per failure family.
 */

/** Base class: `instanceof AlipayError` catches everything this module throws on purpose. */
export class AlipayError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
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
    super(code, message, options);
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
    super(code, message);
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
    super(code, message, options);
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
    super('INVALID_REQUEST', `${endpoint ? `${endpoint} request not sent: ` : ''}${list}`);
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
    super(code, message, options);
    this.attempts = attempts;
  }
}

/**
 * A resend would not carry the byte-identical body of the first request with the same request id.
 * Raised before sending: nothing reached Antom.
 */
export class AlipayIdempotencyError extends AlipayError {
  constructor(message: string) {
    super('BODY_MISMATCH', message);
  }
}

/** A non-200, non-5xx HTTP status: the gateway refused the request before any business processing. */
export class AlipayHttpError extends AlipayError {
  readonly status: number;

  constructor(status: number, message: string) {
    super('HTTP_ERROR', message);
    this.status = status;
  }
}

/** A verified answer or notification whose body does not have the documented shape. */
export class AlipayResponseError extends AlipayError {
  constructor(code: 'INVALID_JSON' | 'INVALID_SHAPE', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** `createAlipayClient` was given an unusable configuration. */
export class AlipayConfigError extends AlipayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_CONFIG', message, options);
  }
}
