/** The caller's IP for audit rows: first X-Forwarded-For hop (set by our proxy), else X-Real-IP. */
export function clientIp(header: (name: string) => string | null): string | null {
  const forwarded = header('x-forwarded-for');
  if (forwarded) return forwarded.split(',')[0]?.trim() || null;
  return header('x-real-ip');
}
