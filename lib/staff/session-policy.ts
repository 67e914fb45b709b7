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
/** Counted failures after which each further attempt must wait (doubling: 1 s, 2 s, 4 s … up to the cap). */
export const THROTTLE_AFTER_FAILED_ATTEMPTS = 3;
export const THROTTLE_MAX_DELAY_MS = 60 * 1000;
/**
 * An address this account signed in from successfully within this window is "known": the account lock
 * and throttle do not apply to it (it still has the per-IP limit), so a stranger locking the account
 * does not lock its owner out of their usual network.
 */
export const KNOWN_IP_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
