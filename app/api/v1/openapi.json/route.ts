import { buildOpenApiDocument } from '@/lib/api/openapi';

export const dynamic = 'force-static';

// GET /api/v1/openapi.json — the merchant API's OpenAPI 3.1 document, generated from the handlers' zod schemas.
export function GET(): Response {
  return new Response(JSON.stringify(buildOpenApiDocument(), null, 2), { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' } });
}
