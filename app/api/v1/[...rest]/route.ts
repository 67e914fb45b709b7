import { apiFailure, errorBody } from '@/lib/api/errors';
import { newRequestId } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

/** Any other /api/v1 path: the API's typed 404, not Next's HTML page. */
function unknownPath(request: Request): Response {
  const requestId = newRequestId();
  const failure = apiFailure(404, 'invalid_request_error', 'unknown_path', `Unrecognized request: ${request.method} ${new URL(request.url).pathname.slice(0, 200)}.`);
  return new Response(errorBody(failure, requestId), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8', 'request-id': requestId } });
}

export const GET = unknownPath;
export const POST = unknownPath;
