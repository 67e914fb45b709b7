import { getApiContext } from './app-context';
import { apiFailure, errorBody, isDatabaseUnavailable } from './errors';
import { handleApiRequest, newRequestId } from './route';
import { API_ROUTES, type ApiOperationId } from './routes';

/** A Next route handler for one operation of the route table (app/api/v1/** export these). */
export function nextApiHandler(operationId: ApiOperationId) {
  const route = API_ROUTES[operationId];
  return async (request: Request, context: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const raw = await context.params;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw ?? {})) params[name] = Array.isArray(value) ? value.join('/') : value;
    try {
      return await handleApiRequest(route, request, await getApiContext(), params);
    } catch (error) {
      // Only opening the database can throw here (handleApiRequest answers everything else itself).
      const requestId = newRequestId();
      const unavailable = isDatabaseUnavailable(error);
      if (!unavailable) console.error(`[api] ${requestId} could not start:`, error);
      const failure = unavailable ? apiFailure(503, 'api_error', 'database_unavailable', 'The service is temporarily unavailable.') : apiFailure(500, 'api_error', 'internal_error', 'Something went wrong on our side.');
      return new Response(errorBody(failure, requestId), { status: failure.status, headers: { 'content-type': 'application/json; charset=utf-8', 'request-id': requestId, ...(unavailable ? { 'retry-after': '5' } : {}) } });
    }
  };
}

/**
 * The method a route of the merchant API does not take (its files export only GET or only POST): the API's typed
 * 405 with Allow, not Next's empty one. The request guard (lib/http/request-guard.ts) answers the other methods.
 */
export function methodNotAllowed(allow: 'GET, HEAD' | 'POST') {
  return (request: Request): Response => {
    const requestId = newRequestId();
    const failure = apiFailure(405, 'invalid_request_error', 'method_not_allowed', `${request.method.slice(0, 16)} is not allowed on this path; it takes ${allow}.`);
    return new Response(errorBody(failure, requestId), { status: 405, headers: { 'content-type': 'application/json; charset=utf-8', 'request-id': requestId, allow } });
  };
}
