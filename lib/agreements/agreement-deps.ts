import type { AlipayClient } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import type { Enqueue } from '@/lib/jobs/define-job';

/** What the agreement services need; the app builds it from env (lib/agreements/app-deps.ts), tests by hand. */
export interface AgreementDeps {
  db: Db;
  alipay: Pick<AlipayClient, 'consult' | 'applyToken' | 'revoke' | 'queryToken' | 'worstCaseCallMs'>;
  vault: TokenVault;
  /** Absolute authRedirectUrl: the portal's return route, a fixed server constant (never user input). */
  returnUrl: string;
  /** authState lifetime; default AUTH_STATE_TTL_MS. */
  authStateTtlMs?: number;
  now?: () => Date;
  /** How long a buyer's return waits for the AUTHCODE_CREATED pairing (AUTH_RETURN_WAIT_MS); default 0. */
  authReturnWaitMs?: number;
  /** Never exchange a code Antom has not paired with the authState (AUTH_REQUIRE_NOTIFICATION); default false. */
  requireAuthNotification?: boolean;
  /** Background retries (a merchant-side revoke left unanswered). Optional: without it the caller is told to retry. */
  enqueue?: Enqueue;
}

export const AUTH_STATE_TTL_MS = 10 * 60 * 1000;
/** How long a second caller (reload, notification) waits for the one applyToken in flight. */
export const APPLY_WAIT_MS = 15_000;

export function nowOf(deps: Pick<AgreementDeps, 'now'>): Date {
  return deps.now?.() ?? new Date();
}

export { recordAgreementEvent } from './agreement-events';

/** Masks a wallet login id for display and storage: keeps a little of each end, never the whole. */
export function maskLoginId(value: string | null | undefined): string | null {
  if (!value) return null;
  const [local, domain] = value.split('@');
  const mask = (s: string) => (s.length <= 2 ? '*'.repeat(s.length) : `${s.slice(0, 1)}${'*'.repeat(Math.max(2, s.length - 3))}${s.slice(-2)}`);
  return domain !== undefined ? `${mask(local ?? '')}@${domain}` : mask(value);
}
