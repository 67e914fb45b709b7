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
