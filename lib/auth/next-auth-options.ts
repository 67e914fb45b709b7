import { log } from '@/lib/log';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { endStaffSession } from '@/lib/staff/end-staff-session';
import { SESSION_ABSOLUTE_MS } from '@/lib/staff/session-policy';
import { logSafe } from './auth-route-policy';
import { clientIp } from './client-ip';

declare module 'next-auth' {
  interface Session {
    sid?: string;
  }
  interface User {
    sessionId?: string;
  }
}
declare module 'next-auth/jwt' {
  interface JWT {
    sid?: string;
  }
}

let cached: NextAuthOptions | undefined;

/**
 * next-auth with credentials. The encrypted JWT cookie carries only the id of a staff_sessions row; that
 * row (checked on every request by getCurrentActor) decides idle/absolute timeouts and revocation, so an
 * admin can end a session at once — what a JWT alone cannot do.
 */
export function authOptions(): NextAuthOptions {
  cached ??= {
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_ABSOLUTE_MS / 1000 },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    // One line per problem, never the token or stack (a tampered cookie is routine, not an incident).
    logger: {
      error: (code) => log().warn(`${logSafe(code)}`),
      warn: (code) => log().warn(`${logSafe(code)}`),
      debug: () => {},
    },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          // No real email is this long or holds control characters (a NUL cannot even be stored): refuse early.
          if (credentials.email.length > 254 || credentials.password.length > 1024 || /[\u0000-\u001f\u007f]/.test(credentials.email)) return null;
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          const result = await authenticateStaff(await getDb(), {
            email: credentials.email,
            password: credentials.password,
            ip: clientIp((name) => headers[name] ?? null),
            userAgent: headers['user-agent'] ?? null,
          });
          return result.ok ? { id: result.userId, sessionId: result.sessionId } : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.sessionId) token.sid = user.sessionId;
        return token;
      },
      session({ session, token }) {
        // Expose only the session id; who the user is and their role are read from the database.
        return { expires: session.expires, sid: token.sid };
      },
      redirect({ url, baseUrl }) {
        return safeCallbackUrl(url, baseUrl);
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sid) await endStaffSession(await getDb(), token.sid);
      },
    },
  };
  return cached;
}

/** Post-login redirects stay on this site: relative paths only, no `//`, backslashes or other origins. */
export function safeCallbackUrl(url: string, baseUrl: string): string {
  if (url.startsWith('/') && !url.startsWith('//') && !url.includes('\\')) return `${baseUrl}${url}`;
  try {
    const parsed = new URL(url);
    if (parsed.origin === new URL(baseUrl).origin) return parsed.toString();
  } catch {
    // fall through
  }
  return `${baseUrl}/dashboard`;
}
