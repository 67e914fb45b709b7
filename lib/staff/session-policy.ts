/** Staff session and lockout policy (reliability.md §4.3–4.4: PCI DSS 8.2.8 idle, 8.3.4 lockout). */
export const SESSION_IDLE_MS = 15 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const LOCK_AFTER_FAILED_ATTEMPTS = 10;
export const LOCK_DURATION_MS = 30 * 60 * 1000;
/** lastSeenAt is written at most this often, so reading a page is not a write each time. */
export const SESSION_TOUCH_INTERVAL_MS = 30 * 1000;
/** Failed sign-ins from one IP address, across all accounts, that pause sign-in from it (credential stuffing). */
export const IP_FAILURE_LIMIT = 30;
export const IP_FAILURE_WINDOW_MS = 15 * 60 * 1000;
