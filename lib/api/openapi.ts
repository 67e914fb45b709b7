import { z } from 'zod';
import { apiErrorSchema } from './errors';
import type { ApiRoute } from './route';
import { API_ROUTES } from './routes';

/**
 * The OpenAPI 3.1 document of the merchant API, generated from the route table's own zod schemas with zod 4's
 * built-in z.toJSONSchema (JSON Schema 2020-12, which OpenAPI 3.1 uses as is): no second description to keep in
 * step, and no generator dependency. Objects with a `.meta({ id })` become components; everything else inline.
 */
type Json = Record<string, unknown>;

const REF_PREFIX = '#/components/schemas/';

function strip(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** A schema as it appears in an operation: a $ref when it is a component, else inline (JSON Schema 2020-12). */
export function schemaRef(schema: z.ZodType, io: 'input' | 'output'): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `${REF_PREFIX}${id}` };
  return strip(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json);
}

function refsIn(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) into.add(v.slice(REF_PREFIX.length));
      else refsIn(v, into);
    }
  }
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Bad input (the field is named in error.param)',
  '401': 'Missing, unknown or revoked API key',
  '403': 'Read-only key, or an address outside the key’s allow-list',
  '404': 'No such object',
  '409': 'State conflict, or an Idempotency-Key reused with another body or still running (Retry-After)',
  '429': 'Rate limit of the key (Retry-After)',
  '503': 'Temporarily unavailable (Retry-After)',
};

function parameters(route: ApiRoute): Json[] {
  const out: Json[] = [];
  const add = (schema: z.ZodObject | undefined, where: 'path' | 'query') => {
    if (!schema) return;
    for (const [name, field] of Object.entries(schema.shape)) {
      const json = schemaRef(field as z.ZodType, 'input');
      const optional = (field as z.ZodType).safeParse(undefined).success;
      out.push({ name, in: where, required: where === 'path' || !optional, schema: json, ...(json.description ? { description: json.description } : {}) });
    }
  };
  add(route.params, 'path');
  add(route.query, 'query');
  if (route.method === 'POST') {
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Up to 255 printable characters; the same key and body answer the stored response for 24 h', schema: { type: 'string', maxLength: 255 } });
  }
  return out;
}

export function operationOf(route: ApiRoute): Json {
  const errors: Json = {};
  for (const [status, description] of Object.entries(ERROR_STATUSES)) {
    if (status === '409' && route.method !== 'POST') continue;
    if (status === '403' && route.access === 'read' && route.method === 'GET') errors[status] = { description: 'An address outside the key’s allow-list', content: { 'application/json': { schema: schemaRef(apiErrorSchema, 'output') } } };
    else errors[status] = { description, content: { 'application/json': { schema: schemaRef(apiErrorSchema, 'output') } } };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-daikou-access': route.access,
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaRef(route.body, 'input') } } } } : {}),
    responses: {
      [String(route.status)]: { description: 'Success', content: { 'application/json': { schema: schemaRef(route.response, 'output') } } },
      ...errors,
    },
  };
}

/** The whole document. `servers` is the portal's own /api base. */
export function buildOpenApiDocument(serverUrl = '/api'): Json {
  const paths: Record<string, Json> = {};
  for (const route of Object.values(API_ROUTES) as ApiRoute[]) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  const all = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any', uri: (id) => `${REF_PREFIX}${id}` }) as { schemas: Record<string, Json> };
  // Only the components the operations reach (the global registry may hold other modules' schemas).
  const needed = new Set<string>();
  refsIn(paths, needed);
  const schemas: Record<string, Json> = {};
  const queue = [...needed];
  while (queue.length) {
    const id = queue.pop()!;
    if (schemas[id] || !all.schemas[id]) continue;
    schemas[id] = strip(all.schemas[id]);
    const more = new Set<string>();
    refsIn(schemas[id], more);
    queue.push(...more);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Daikou merchant API',
      version: '1',
      description:
        'Customers, authorization links, agreements, charges, payment requests, refunds, billing schedules and events of the Daikou Auto Debit portal. Authenticate with `Authorization: Bearer <API key>` (Settings → API keys). Amounts are strings of minor units with their currency; timestamps ISO 8601 UTC. Every POST accepts an Idempotency-Key. Lists page with starting_after / ending_before / limit. Errors: `{ "error": { "type", "code", "message", "param", "request_id" } }`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'dk_test_… (simulator) or dk_live_… (Antom)' } },
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
