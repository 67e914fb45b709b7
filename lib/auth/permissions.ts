import type { StaffRole } from '@/lib/db/schema';

/**
 * Which roles hold each permission. Viewers read; operators also charge, cancel and refund up to the
 * configured limit; admins also manage users, settings, keys and any refund. Checked in every action AND in
 * every service (never only in the proxy).
 */
export const PERMISSIONS = {
  'dashboard.read': ['admin', 'operator', 'viewer'],
  'payments.charge': ['admin', 'operator'],
  'payments.cancel': ['admin', 'operator'],
  'refunds.create': ['admin', 'operator'],
  'refunds.unlimited': ['admin'],
  'customers.manage': ['admin', 'operator'],
  // Create, pause, resume, cancel billing schedules and change their amount.
  'schedules.manage': ['admin', 'operator'],
  'customs.declare': ['admin', 'operator'],
  'reconciliation.manage': ['admin', 'operator'],
  'users.manage': ['admin'],
  'sessions.revoke': ['admin'],
  'settings.manage': ['admin'],
  'keys.manage': ['admin'],
  'notifications.replay': ['admin'],
  // The audit log shows every staff member's activity and sign-in addresses.
  'audit.read': ['admin'],
  // Failed background jobs name the payments, refunds and agreements they were about.
  'jobs.read': ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'operator', 'viewer'];

export function can(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}

/** Raised by services when the actor lacks a permission; the action wrapper turns it into `forbidden`. */
export class ForbiddenError extends Error {
  constructor(readonly permission: Permission) {
    super(`Your role does not allow this (${permission}).`);
    this.name = 'ForbiddenError';
    Object.defineProperty(this, FORBIDDEN_BRAND, { value: true, enumerable: false });
  }
}

const FORBIDDEN_BRAND = Symbol.for('daikou.auth.forbidden');

/** True for a ForbiddenError from any copy of this module (never `instanceof`: it fails across server bundles). */
export function isForbiddenError(error: unknown): error is ForbiddenError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[FORBIDDEN_BRAND] === true;
}

export function assertCan(actor: { role: StaffRole }, permission: Permission): void {
  if (!can(actor.role, permission)) throw new ForbiddenError(permission);
}

/**
 * May this role refund `amountMinor` of `currency`? Admins always; operators up to the limit configured for
 * that currency (no limit configured means operators may not refund that currency at all — fail closed).
 */
export function canRefundAmount(
  role: StaffRole,
  amountMinor: bigint,
  currency: string,
  operatorLimits: Readonly<Record<string, string>>,
): boolean {
  if (can(role, 'refunds.unlimited')) return true;
  if (!can(role, 'refunds.create')) return false;
  const limit = operatorLimits[currency];
  if (limit === undefined || !/^\d+$/.test(limit)) return false;
  return amountMinor <= BigInt(limit);
}

/**
 * May this role charge `amountMinor` of `currency` in one payment? Admins always; operators up to the limit
 * configured for that currency (none configured: operators may not charge it — fail closed, as for refunds).
 */
export function canChargeAmount(
  role: StaffRole,
  amountMinor: bigint,
  currency: string,
  operatorLimits: Readonly<Record<string, string>>,
): boolean {
  if (!can(role, 'payments.charge')) return false;
  if (role === 'admin') return true;
  const limit = operatorLimits[currency];
  if (limit === undefined || !/^\d+$/.test(limit)) return false;
  return amountMinor <= BigInt(limit);
}
