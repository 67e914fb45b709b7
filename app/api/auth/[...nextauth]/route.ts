// GET|POST /api/auth/* — next-auth's sign-in, sign-out, session and CSRF endpoints.
import NextAuth from 'next-auth';
import { isAuthBodyAcceptable, isAuthRouteAllowed } from '@/lib/auth/auth-route-policy';
import { authOptions } from '@/lib/auth/next-auth-options';

type Context = { params: Promise<{ nextauth: string[] }> };

// Built per request (not at import) so `next build` does not need the runtime secrets.
async function handler(request: Request, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  // Only the endpoints the sign-in page uses; `_log` (anonymous client-side logging) and the rest are 404.
  if (!isAuthRouteAllowed(request.method, nextauth)) return new Response('Not found.', { status: 404 });
  if (!isAuthBodyAcceptable(request.method, request.headers.get('content-type'))) return new Response('Send a form (application/x-www-form-urlencoded).', { status: 415 });
  return NextAuth(request as never, context as never, authOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
