/**
 * Wire-level helpers shared by every simulated endpoint: the Antom `result` object, Antom-style ids and
 * ISO 8601 times with an explicit offset (ams-api.md §1.5, §1.6, §16.3).
 *
 * Invariant: everything produced here is a JSON string value; amounts never pass through Number.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { toWireValue } from '../money';

/** An AMS `Amount` object: minor units as a string (ams-api.md §1.7). */
export function wireAmount(currency: string, minor: bigint): { currency: string; value: string } {
  return { currency, value: toWireValue(minor) };
}

export type ResultStatus = 'S' | 'F' | 'U';

export interface AlipayResult {
  resultCode: string;
  resultStatus: ResultStatus;
  resultMessage: string;
}

/**
 * The result codes the simulator emits, with the status Antom uses for each (ams-api.md §1.6, §5, §6.4,
 * §9, §10.4). Codes outside the readable Antom tables are marked UNVERIFIED in the README.
 */
export const RESULT_CODES = {
  SUCCESS: ['S', 'success.'],
  ACCESS_DENIED: ['F', 'Access is denied.'],
  INVALID_CLIENT: ['F', 'The client ID is not registered with this gateway.'],
  INVALID_SIGNATURE: ['F', 'The signature is invalid.'],
  KEY_NOT_FOUND: ['F', 'No public key is registered for this client ID and key version.'],
  MEDIA_TYPE_NOT_ACCEPTABLE: ['F', 'Content-Type must be application/json; charset=UTF-8.'],
  METHOD_NOT_SUPPORTED: ['F', 'Only POST is supported.'],
  NO_INTERFACE_DEF: ['F', 'API is not defined.'],
  PARAM_ILLEGAL: ['F', 'Illegal parameters.'],
  PROCESS_FAIL: ['F', 'A general business failure occurred.'],
  REPEAT_REQ_INCONSISTENT: ['F', 'The request ID was already used with different content.'],
  REQUEST_TRAFFIC_EXCEED_LIMIT: ['U', 'The request traffic exceeds the limit.'],
  UNKNOWN_EXCEPTION: ['U', 'An unknown exception occurred.'],
  INVALID_ACCESS_TOKEN: ['F', 'The access token is expired, revoked, or does not exist.'],
  INVALID_CODE: ['F', 'The authorization code is invalid.'],
  EXPIRED_CODE: ['F', 'The authorization code has expired.'],
  USED_CODE: ['F', 'The authorization code has already been used.'],
  INVALID_REFRESH_TOKEN: ['F', 'The refresh token is invalid.'],
  EXPIRED_REFRESH_TOKEN: ['F', 'The refresh token has expired.'],
  PAYMENT_IN_PROCESS: ['U', 'The payment is being processed.'],
  USER_BALANCE_NOT_ENOUGH: ['F', 'The user balance is not enough.'],
  RISK_REJECT: ['F', 'The payment was rejected by risk control.'],
  USER_STATUS_ABNORMAL: ['F', 'The user account status is abnormal.'],
  PAYMENT_AMOUNT_EXCEED_LIMIT: ['F', 'The payment amount exceeds the limit.'],
  CURRENCY_NOT_SUPPORT: ['F', 'The currency is not supported.'],
  ORDER_IS_CLOSED: ['F', 'The order is closed.'],
  ORDER_NOT_EXIST: ['F', 'The order does not exist.'],
  ORDER_STATUS_INVALID: ['F', 'The order status is invalid for this operation.'],
  CANCEL_WINDOW_EXCEED: ['F', 'The cancellation window has passed; refund instead.'],
  REFUND_AMOUNT_EXCEED: ['F', 'The total refund amount exceeds the payment amount.'],
  REFUND_WINDOW_EXCEED: ['F', 'The refund window has passed.'],
  REFUND_IN_PROCESS: ['U', 'The refund is being processed.'],
  REFUND_NOT_EXIST: ['F', 'The refund does not exist.'],
  MERCHANT_BALANCE_NOT_ENOUGH: ['F', 'The merchant balance is not enough.'],
} as const satisfies Record<string, readonly [ResultStatus, string]>;

export type ResultCode = keyof typeof RESULT_CODES;

/** Builds a `result` object; `message` overrides the default text (e.g. to name the illegal field). */
export function result(code: ResultCode, message?: string): AlipayResult {
  const [status, text] = RESULT_CODES[code];
  return { resultCode: code, resultStatus: status, resultMessage: message ?? text };
}

/** The fixed acknowledgement a merchant must answer to a notification (ams-api.md §3.2, §7.2). */
export function isAcknowledgement(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { result?: { resultCode?: unknown; resultStatus?: unknown } };
    return parsed.result?.resultCode === 'SUCCESS' && parsed.result?.resultStatus === 'S';
  } catch {
    return false;
  }
}

const GMT8_MS = 8 * 60 * 60 * 1000;

/**
 * ISO 8601 with the +08:00 offset Antom commonly uses (ams-api.md §1.5), second precision.
 * Why GMT+8: the cancel window and report days are defined in GMT+8, so times read the same way.
 */
export function isoTime(epochMs: number): string {
  const shifted = new Date(epochMs + GMT8_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

/** The GMT+8 calendar day (YYYY-MM-DD) of an instant — Antom's "T" for cancel windows and reports. */
export function gmt8Day(epochMs: number): string {
  return new Date(epochMs + GMT8_MS).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 GMT+8 on the given GMT+8 day. */
export function gmt8Midnight(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

let sequence = randomInt(0, 1_000_000);

/**
 * An Antom-looking id: 8-digit date, 10 digits of time and sequence, a marker, random digits
 * (ams-api.md §16.3: long numeric-ish strings, ≤ 64 chars). Unique within a process and across
 * restarts thanks to the random tail.
 */
export function antomId(kind: 'payment' | 'refund' | 'customs', epochMs: number): string {
  const marker = kind === 'payment' ? '1' : kind === 'refund' ? '2' : '3';
  sequence = (sequence + 1) % 1_000_000;
  const day = gmt8Day(epochMs).replaceAll('-', '');
  const tail = BigInt(`0x${randomBytes(8).toString('hex')}`).toString().padStart(20, '0').slice(0, 12);
  return `${day}1940${marker}0${String(sequence).padStart(6, '0')}${tail}`;
}

/** An opaque token-like string (auth codes, access/refresh tokens): URL-safe, no padding. */
export function opaqueToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
