/**
 * Every field of a zod schema, by walking its definition (objects, optionals, arrays, unions, pipes…): the
 * redaction test uses it to build a sample with every field of every request and response filled in.
 */
import type { z } from 'zod';

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; out?: z.ZodType; left?: z.ZodType; right?: z.ZodType; getter?: () => z.ZodType; values?: unknown[]; entries?: Record<string, unknown> };

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/**
 * A value for `schema` with every object field present (every union branch merged in), each leaf given
 * `leaf(fieldName, path)`: a string unless the schema demands a boolean or a number.
 */
export function sampleOf(schema: z.ZodType, leaf: (field: string, path: string) => string, field = '', path = '', depth = 0): unknown {
  if (depth > 12) return null;
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(def.shape ?? {})) out[key] = sampleOf(child, leaf, key, `${path}.${key}`, depth + 1);
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return sampleOf(def.innerType!, leaf, field, path, depth + 1);
    case 'pipe':
      return sampleOf(def.in!, leaf, field, path, depth + 1);
    case 'lazy':
      return sampleOf(def.getter!(), leaf, field, path, depth + 1);
    case 'array':
      return [sampleOf(def.element!, leaf, field, `${path}[]`, depth + 1)];
    case 'union': {
      const branches = (def.options ?? []).map((o) => sampleOf(o, leaf, field, path, depth + 1));
      const objects = branches.filter((b) => b && typeof b === 'object' && !Array.isArray(b)) as Record<string, unknown>[];
      return objects.length ? Object.assign({}, ...objects) : branches[0];
    }
    case 'intersection':
      return Object.assign({}, sampleOf(def.left!, leaf, field, path, depth + 1), sampleOf(def.right!, leaf, field, path, depth + 1));
    case 'boolean':
      return true;
    case 'number':
    case 'int':
      return 7;
    case 'null':
      return null;
    default:
      return leaf(field, path);
  }
}
