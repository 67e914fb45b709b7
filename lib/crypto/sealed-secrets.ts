import { and, eq, inArray, isNotNull, ne, notLike, or, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agreements, customsDeclarations, inboxEvents, merchantSettings, payments, staffTotp } from '@/lib/db/schema';
import { totpSecretAad } from '@/lib/staff/two-factor/totp';
import { inboxBodyAad } from '@/lib/notifications/receive-notification';
import { payBodyAad } from '@/lib/payments/payment-deps';
import { declarationBodyAad } from '@/lib/customs/customs-deps';
import { agreementTokenAad, TokenVault } from './token-vault';

/**
 * Everything sealed with the token vault, per key version — for the Settings count, the start-up refusal
 * when a removed key is still in use, and the re-seal job that moves everything to the newest key.
 * Agreement tokens name their version in `token_key_version` (it is part of their AAD); sealed bodies
 * (notifications, pay requests, customs declarations) name it in their `v<version>.` prefix.
 */
export type SealedKind = 'agreementTokens' | 'notificationBodies' | 'payRequestBodies' | 'customsRequestBodies' | 'totpSecrets';
export type SealedCounts = Record<SealedKind, Map<number, number>>;

const versionOfPrefix = (column: unknown) => sql<number>`(substring(${column} from '^v([0-9]+)[.]'))::int`;

/** How many sealed secrets each key version holds, per kind. */
export async function countSealedByVersion(db: Db): Promise<SealedCounts> {
  const group = async (rows: Promise<{ version: number | null; count: number }[]>) =>
    new Map((await rows).filter((r) => r.version !== null).map((r) => [Number(r.version), Number(r.count)]));
  const count = sql<number>`count(*)::int`;
  return {
    agreementTokens: await group(
      db
        .select({ version: agreements.tokenKeyVersion, count })
        .from(agreements)
        .where(or(isNotNull(agreements.accessTokenCiphertext), isNotNull(agreements.refreshTokenCiphertext)))
        .groupBy(agreements.tokenKeyVersion),
    ),
    notificationBodies: await group(db.select({ version: versionOfPrefix(inboxEvents.rawBodyCiphertext), count }).from(inboxEvents).groupBy(sql`1`)),
    payRequestBodies: await group(
      db.select({ version: versionOfPrefix(payments.requestBodyCiphertext), count }).from(payments).where(isNotNull(payments.requestBodyCiphertext)).groupBy(sql`1`),
    ),
    customsRequestBodies: await group(db.select({ version: versionOfPrefix(customsDeclarations.requestBodyCiphertext), count }).from(customsDeclarations).groupBy(sql`1`)),
    totpSecrets: await group(db.select({ version: versionOfPrefix(staffTotp.secretCiphertext), count }).from(staffTotp).groupBy(sql`1`)),
  };
}

/** Secrets not on the vault's newest key (the Settings page's "still on an old key" count). */
export function onOldKeys(counts: SealedCounts, newest: number): number {
  let total = 0;
  for (const byVersion of Object.values(counts)) for (const [version, n] of byVersion) if (version !== newest) total += n;
  return total;
}

/**
 * Key versions still used by sealed data but missing from the keyring: removing such a key would make
 * those rows unreadable. Returns one line per version, naming how many rows of each kind, or nothing.
 */
export function removedKeysInUse(counts: SealedCounts, vault: Pick<TokenVault, 'versions'>): string[] {
  const known = new Set(vault.versions);
  const missing = new Map<number, string[]>();
  for (const [kind, byVersion] of Object.entries(counts) as [SealedKind, Map<number, number>][]) {
    for (const [version, n] of byVersion) {
      if (known.has(version) || n === 0) continue;
      missing.set(version, [...(missing.get(version) ?? []), `${n} ${KIND_WORDS[kind]}`]);
    }
  }
  return [...missing].map(
    ([version, parts]) =>
      `TOKEN_ENCRYPTION_KEYS no longer holds key version ${version}, but ${parts.join(', ')} are sealed with it and would become unreadable: put the key back, let the re-seal job finish (Settings shows what is left on old keys), then remove it`,
  );
}

const KIND_WORDS: Record<SealedKind, string> = {
  agreementTokens: 'agreement token rows',
  notificationBodies: 'notification bodies',
  payRequestBodies: 'pay request bodies',
  customsRequestBodies: 'customs request bodies',
  totpSecrets: 'staff TOTP secrets',
};

export interface ResealProgress {
  startedAt: string;
  finishedAt: string | null;
  targetVersion: number;
  done: number;
  remaining: number;
  failed: number;
}

/**
 * Re-seals everything to the vault's newest key, in batches, each row by compare-and-swap on the ciphertext
 * it read (a refresh or a new notification racing it wins, and is already on the newest key). Rows whose key
 * is not in the ring are skipped and counted as failed. Progress is written to merchant_settings after every
 * batch; returns the final progress.
 */
export async function resealSecrets(db: Db, vault: TokenVault, options: { batchSize?: number; now?: () => Date } = {}): Promise<ResealProgress> {
  const batchSize = options.batchSize ?? 200;
  const now = options.now ?? (() => new Date());
  const target = vault.keyVersion;
  const openable = vault.versions.filter((v) => v !== target);
  const progress: ResealProgress = { startedAt: now().toISOString(), finishedAt: null, targetVersion: target, done: 0, remaining: onOldKeys(await countSealedByVersion(db), target), failed: 0 };
  await saveProgress(db, progress);
  if (openable.length === 0) return finish(db, progress, now);

  const prefixes = (column: Parameters<typeof notLike>[0]) => and(notLike(column, `v${target}.%`), or(...openable.map((v) => sql`${column} like ${`v${v}.%`}`)));

  const step = async (rows: { id: string; sealed: string }[], aad: (id: string) => string, write: (id: string, old: string, fresh: string) => Promise<boolean>) => {
    for (const row of rows) {
      try {
        const fresh = vault.seal(vault.open(row.sealed, aad(row.id)), aad(row.id));
        if (await write(row.id, row.sealed, fresh)) progress.done++;
      } catch {
        progress.failed++;
      }
    }
    progress.remaining = Math.max(0, progress.remaining - rows.length);
    await saveProgress(db, progress);
    return rows.length;
  };

  // Agreement tokens: both columns move together (the row's token_key_version is in both AADs).
  const skipped = new Set<string>();
  for (;;) {
    const rows = await db
      .select({ id: agreements.id, access: agreements.accessTokenCiphertext, refresh: agreements.refreshTokenCiphertext, version: agreements.tokenKeyVersion })
      .from(agreements)
      .where(and(ne(agreements.tokenKeyVersion, target), inArray(agreements.tokenKeyVersion, openable)))
      .limit(batchSize + skipped.size);
    const todo = rows.filter((r) => !skipped.has(r.id)).slice(0, batchSize);
    if (todo.length === 0) break;
    for (const row of todo) {
      try {
        const from = row.version!;
        const reseal = (value: string | null, field: 'access_token' | 'refresh_token') =>
          value === null ? null : vault.seal(vault.open(value, agreementTokenAad(row.id, field, from)), agreementTokenAad(row.id, field, target));
        const [moved] = await db
          .update(agreements)
          .set({ accessTokenCiphertext: reseal(row.access, 'access_token'), refreshTokenCiphertext: reseal(row.refresh, 'refresh_token'), tokenKeyVersion: target })
          .where(
            and(
              eq(agreements.id, row.id),
              eq(agreements.tokenKeyVersion, from),
              row.access === null ? sql`${agreements.accessTokenCiphertext} is null` : eq(agreements.accessTokenCiphertext, row.access),
              row.refresh === null ? sql`${agreements.refreshTokenCiphertext} is null` : eq(agreements.refreshTokenCiphertext, row.refresh),
            ),
          )
          .returning({ id: agreements.id });
        if (moved) progress.done++;
        else skipped.add(row.id);
      } catch {
        progress.failed++;
        skipped.add(row.id);
      }
    }
    progress.remaining = Math.max(0, progress.remaining - todo.length);
    await saveProgress(db, progress);
  }

  const bodies = [
    {
      select: (limit: number) => db.select({ id: inboxEvents.id, sealed: inboxEvents.rawBodyCiphertext }).from(inboxEvents).where(prefixes(inboxEvents.rawBodyCiphertext)).limit(limit),
      aad: inboxBodyAad,
      write: async (id: string, old: string, fresh: string) =>
        (await db.update(inboxEvents).set({ rawBodyCiphertext: fresh }).where(and(eq(inboxEvents.id, id), eq(inboxEvents.rawBodyCiphertext, old))).returning({ id: inboxEvents.id })).length > 0,
    },
    {
      select: (limit: number) => db.select({ id: payments.id, sealed: payments.requestBodyCiphertext }).from(payments).where(prefixes(payments.requestBodyCiphertext)).limit(limit),
      aad: payBodyAad,
      write: async (id: string, old: string, fresh: string) =>
        (await db.update(payments).set({ requestBodyCiphertext: fresh }).where(and(eq(payments.id, id), eq(payments.requestBodyCiphertext, old))).returning({ id: payments.id })).length > 0,
    },
    {
      select: (limit: number) =>
        db.select({ id: customsDeclarations.id, sealed: customsDeclarations.requestBodyCiphertext }).from(customsDeclarations).where(prefixes(customsDeclarations.requestBodyCiphertext)).limit(limit),
      aad: declarationBodyAad,
      write: async (id: string, old: string, fresh: string) =>
        (
          await db
            .update(customsDeclarations)
            .set({ requestBodyCiphertext: fresh })
            .where(and(eq(customsDeclarations.id, id), eq(customsDeclarations.requestBodyCiphertext, old)))
            .returning({ id: customsDeclarations.id })
        ).length > 0,
    },
    {
      select: (limit: number) => db.select({ id: staffTotp.userId, sealed: staffTotp.secretCiphertext }).from(staffTotp).where(prefixes(staffTotp.secretCiphertext)).limit(limit),
      aad: totpSecretAad,
      write: async (id: string, old: string, fresh: string) =>
        (await db.update(staffTotp).set({ secretCiphertext: fresh }).where(and(eq(staffTotp.userId, id), eq(staffTotp.secretCiphertext, old))).returning({ id: staffTotp.userId })).length > 0,
    },
  ];
  for (const body of bodies) {
    // Rows that could not be moved (unopenable, or changed under us) are not selected again in this run.
    const leftAlone = new Set<string>();
    for (;;) {
      const selected: { id: string; sealed: string | null }[] = await body.select(batchSize + leftAlone.size);
      const todo = selected.flatMap((r) => (r.sealed !== null && !leftAlone.has(r.id) ? [{ id: r.id, sealed: r.sealed }] : [])).slice(0, batchSize);
      if (todo.length === 0) break;
      await step(todo, body.aad, async (id, old, fresh) => {
        const moved = await body.write(id, old, fresh);
        if (!moved) leftAlone.add(id);
        return moved;
      });
      for (const r of todo) leftAlone.add(r.id);
    }
  }
  return finish(db, progress, now);
}

async function finish(db: Db, progress: ResealProgress, now: () => Date): Promise<ResealProgress> {
  progress.finishedAt = now().toISOString();
  progress.remaining = onOldKeys(await countSealedByVersion(db), progress.targetVersion);
  await saveProgress(db, progress);
  return progress;
}

async function saveProgress(db: Db, progress: ResealProgress): Promise<void> {
  await db
    .insert(merchantSettings)
    .values({ id: 1, resealProgress: { ...progress } })
    .onConflictDoUpdate({ target: merchantSettings.id, set: { resealProgress: { ...progress } } });
}
