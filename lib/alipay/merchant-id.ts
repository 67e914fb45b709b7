import { createHash } from 'node:crypto';

/**
 * The merchant ID the local simulator gives a client that has none configured: Antom assigns merchants a
 * numeric ID (e.g. `1022188000000000001`, ams-api.md §13.1) distinct from the API client ID; the
 * simulator derives a stable one of the same shape so Daikou and the simulator agree without setup.
 */
export function localMerchantId(clientId: string): string {
  const n = BigInt(`0x${createHash('sha256').update(clientId).digest('hex').slice(0, 15)}`) % 10n ** 12n;
  return `1022188${n.toString().padStart(12, '0')}`;
}
