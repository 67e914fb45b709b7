import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument, schemaRef } from './openapi';
import type { ApiRoute } from './route';
import { API_ROUTES } from './routes';

/**
 * The CI check that the handlers and the OpenAPI document agree: every operation of the route table is in the
 * document with the very schemas the handler validates with (and nothing else is), and every route file under
 * app/api/v1 serves exactly the route table's operations at the route table's paths.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document of any shape
type Json = Record<string, any>;
const doc = buildOpenApiDocument() as Json;
const routes = Object.values(API_ROUTES) as ApiRoute[];
const APP_V1 = path.resolve(__dirname, '..', '..', 'app', 'api', 'v1');

/** A schema with every $ref replaced by what it points at (components of the document, or the schema's own $defs). */
function inline(value: unknown, lookup: (ref: string) => Json | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => inline(v, lookup));
  if (!value || typeof value !== 'object') return value;
  const { $ref, $defs: _defs, $schema: _s, $id: _i, ...rest } = value as Json;
  if (typeof $ref === 'string') {
    const target = lookup($ref);
    if (!target) throw new Error(`unresolved ${$ref}`);
    return inline(target, lookup);
  }
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(v, lookup)]));
}
const resolve = (schema: Json) => inline(schema, (ref) => doc.components.schemas[ref.replace('#/components/schemas/', '')]);
function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const own = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return inline(own, (ref) => (ref === '#' ? own : own.$defs?.[ref.replace('#/$defs/', '')]));
}

function routeFiles(dir: string, prefix = ''): { urlPath: string; file: string }[] {
  const out: { urlPath: string; file: string }[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...routeFiles(full, `${prefix}/${name}`));
    else if (name === 'route.ts') out.push({ urlPath: prefix, file: full });
  }
  return out;
}

describe('merchant API OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists exactly the route table’s operations', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Json).flatMap(([p, ops]) => Object.entries(ops as Json).map(([method, op]) => `${method.toUpperCase()} ${p} ${(op as Json).operationId}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
  });

  it.each(routes.map((r) => [r.operationId, r] as const))('%s: body, parameters and success answer are the handler’s own schemas', (_id, route) => {
    const op = doc.paths[route.path][route.method.toLowerCase()] as Json;
    // Request body: the same JSON Schema the handler's zod schema gives.
    if (route.body) expect(resolve(op.requestBody.content['application/json'].schema)).toEqual(jsonSchema(route.body, 'input'));
    else expect(op.requestBody).toBeUndefined();
    // Path and query parameters: the same names, required-ness and schemas.
    const expected = [
      ...Object.entries(route.params?.shape ?? {}).map(([name, f]) => ({ name, in: 'path', required: true, schema: schemaRef(f as z.ZodType, 'input') })),
      ...Object.entries(route.query?.shape ?? {}).map(([name, f]) => ({ name, in: 'query', required: !(f as z.ZodType).safeParse(undefined).success, schema: schemaRef(f as z.ZodType, 'input') })),
    ];
    const actual = (op.parameters as Json[]).filter((p) => p.in !== 'header').map(({ name, in: where, required, schema }) => ({ name, in: where, required, schema }));
    expect(actual).toEqual(expected);
    expect((op.parameters as Json[]).some((p) => p.name === 'Idempotency-Key')).toBe(route.method === 'POST');
    // Path template parameters are the params schema's keys.
    expect([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])).toEqual(Object.keys(route.params?.shape ?? {}));
    // Success answer: the response schema.
    const success = op.responses[String(route.status)].content['application/json'].schema as Json;
    expect(resolve(success)).toEqual(jsonSchema(route.response, 'output'));
    expect(op.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  });

  it('every $ref resolves to a component', () => {
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas[JSON.parse(ref).replace('#/components/schemas/', '')], ref).toBeDefined();
  });

  it('the route files under app/api/v1 serve exactly the route table (method, path, operation)', () => {
    const served: string[] = [];
    for (const { urlPath, file } of routeFiles(APP_V1)) {
      if (urlPath === '/openapi.json' || urlPath === '/[...rest]') continue;
      const text = readFileSync(file, 'utf8');
      const openApiPath = `/v1${urlPath.replace(/\[(\w+)\]/g, '{$1}')}`;
      for (const m of text.matchAll(/export const (GET|POST) = nextApiHandler\('(\w+)'\);/g)) served.push(`${m[1]} ${openApiPath} ${m[2]}`);
      // Nothing else is exported as a method but the typed 405 for the one the path does not take, so GET and
      // POST both get the API's JSON answer (found by the 100,000-request fuzz: POST to a GET-only path was Next's
      // empty 405).
      const refused = [...text.matchAll(/export const (GET|POST) = methodNotAllowed\('([^']+)'\);/g)].map((m) => m[1]);
      expect(text.match(/export (?:const|function|async function) (GET|POST|PUT|PATCH|DELETE)\b/g)?.length ?? 0, file).toBe([...text.matchAll(/nextApiHandler\(/g)].length + refused.length);
      const methods = [...text.matchAll(/export const (GET|POST) =/g)].map((m) => m[1]).sort();
      expect(methods, file).toEqual(['GET', 'POST']);
    }
    expect(served.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
  });
});
