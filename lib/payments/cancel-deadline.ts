const GMT8_MS = 8 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/**
 * The last instant Antom accepts a cancel for a payment created at `createdAt`: 00:15 GMT+8 on the day after
 * its GMT+8 transaction day (ams-api.md §9). After it, only a refund can return the money.
 */
export function cancelDeadline(createdAt: Date): Date {
  const gmt8Midnight = Math.floor((createdAt.getTime() + GMT8_MS) / DAY_MS) * DAY_MS - GMT8_MS;
  return new Date(gmt8Midnight + DAY_MS + 15 * 60_000);
}
