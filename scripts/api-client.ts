/**
 * Writes the example merchant-API client's inputs from the OpenAPI document the API serves:
 * examples/merchant-api/openapi.json (the document) and examples/merchant-api/schema.d.ts (its types, by
 * openapi-typescript). `npm run api:client` regenerates both; `--check` exits 1 when either is stale (the
 * merchant-API acceptance test runs the same comparison).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiClientFiles } from '../examples/merchant-api/generate';

const dir = path.resolve(import.meta.dirname, '..', 'examples', 'merchant-api');
const check = process.argv.includes('--check');
const files = await generateApiClientFiles();
let stale = 0;
for (const [name, text] of Object.entries(files)) {
  const file = path.join(dir, name);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current === text) continue;
  if (check) {
    console.error(`examples/merchant-api/${name} is stale: run npm run api:client`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote examples/merchant-api/${name}`);
  }
}
process.exit(stale ? 1 : 0);
