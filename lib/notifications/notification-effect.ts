/** What applying one verified notification did, as the inbox and the Notifications page record it. */
export interface NotificationEffect {
  objectType: 'payment' | 'refund' | 'agreement' | null;
  /** paymentRequestId / refundRequestId as sent, or our agreement id. */
  objectRef: string | null;
  outcome: 'applied' | 'duplicate' | 'flagged' | 'unknown_object' | 'queued' | 'stored' | 'not_final';
  detail?: string;
  /** Work that must run outside the transaction (an Antom call); enqueued after commit, swept if lost. */
  followUp?: { job: string };
}

/** Follow-up job: applyToken for an inbox AUTHCODE_CREATED. */
export const APPLY_AUTH_CODE_JOB = 'notifications-apply-auth-code';
