/**
 * A short-lived cache of API key rows by secret hash, one per instance, so a burst of requests does not read the
 * key row every time. Revocation still refuses within one second on every instance: revokeApiKey clears every
 * cache of its own process at once and NOTIFYs `api_key_revoked` (the app's instances LISTEN and clear theirs), and
 * no entry lives longer than `ttlMs` (default 500 ms) even if a notification is missed.
 */
export const API_KEY_REVOKED_CHANNEL = 'api_key_revoked';

export class ApiKeyCache<T> {
  private readonly entries = new Map<string, { row: T; until: number }>();

  constructor(
    private readonly ttlMs = 500,
    private readonly maxEntries = 1000,
    private readonly clock: () => number = Date.now,
  ) {
    LIVE_CACHES.add(this as ApiKeyCache<unknown>);
  }

  get(hash: string): T | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until <= this.clock()) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.row;
  }

  set(hash: string, row: T): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { row, until: this.clock() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }

  /** Stops taking part in process-wide invalidation (a closed instance). */
  dispose(): void {
    this.entries.clear();
    LIVE_CACHES.delete(this as ApiKeyCache<unknown>);
  }
}

const LIVE_CACHES = new Set<ApiKeyCache<unknown>>();

/** Every key cache of this process forgets everything (a key was revoked here). */
export function clearApiKeyCaches(): void {
  for (const cache of LIVE_CACHES) cache.clear();
}
