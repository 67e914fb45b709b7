import type { AlipayClient } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import type { Payment, PaymentStatus } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';

/** What the payment services need; the app builds it from env (app-deps.ts), jobs from their context, tests by hand. */
export interface PaymentDeps {
  db: Db;
  alipay: Pick<AlipayClient, 'pay' | 'inquiryPayment' | 'cancel' | 'serialize' | 'request' | 'worstCaseCallMs'>;
  vault: TokenVault;
  enqueue: Enqueue;
  now?: () => Date;
  /** Absolute paymentNotifyUrl (a server constant); without it Antom uses the URL registered for the client. */
  notifyUrl?: string | null;
  /** Antom's paymentExpiryTime after the request: at most (and by default) 60 s for Auto Debit. */
  paymentExpirySeconds?: number;
}

export const RESOLVE_PAYMENT_JOB = 'payment-resolve';
/** Auto Debit's contract default and maximum (ams-api.md §6.1). */
export const PAYMENT_EXPIRY_SECONDS = 60;
/** Statuses the resolver owns: sent (or maybe sent) and not final. */
export const OPEN_STATUSES = ['CREATED', 'PROCESSING', 'UNKNOWN'] as const satisfies readonly PaymentStatus[];
export const FINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const satisfies readonly PaymentStatus[];

export function nowOf(deps: { now?: () => Date }): Date {
  return deps.now?.() ?? new Date();
}

export function isFinal(status: PaymentStatus): boolean {
  return (FINAL_STATUSES as readonly PaymentStatus[]).includes(status);
}

/** The call-log subject linking every AMS call to its payment. */
export function paymentSubject(paymentId: string): string {
  return `payment:${paymentId}`;
}

/** Associated data for the sealed pay body: a body can only be opened for the payment it was written for. */
export function payBodyAad(paymentId: string): string {
  return `payment:${paymentId}:pay_body`;
}

/** The resolver for one payment: one waiting job per payment (stately queue), whoever asks. */
export async function scheduleResolver(deps: Pick<PaymentDeps, 'enqueue'>, paymentId: string, afterSeconds: number): Promise<void> {
  await deps.enqueue(RESOLVE_PAYMENT_JOB, { paymentId }, { startAfterSeconds: Math.max(1, afterSeconds), singletonKey: paymentSubject(paymentId) });
}

export type PaymentView = Payment;
