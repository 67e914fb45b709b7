import type { Env } from '../lib/env';

/**
 * Starts the local Antom simulator in this process and returns the variables that point the portal at it.
 * (Wired to lib/simulator once it lands.)
 */
export async function startLocalSimulator(_config: Env): Promise<{ env: Record<string, string>; close: () => Promise<void> }> {
  return { env: {}, close: async () => {} };
}
