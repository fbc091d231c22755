// Writes schema/*.schema.json from the zod schemas (run: npx tsx scripts/export-schemas.ts).
// test/golden-schema.test.ts fails when the committed files are out of date.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../src/io/json-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [name, text] of Object.entries(renderJsonSchemas())) {
  await writeFile(path.join(root, 'schema', name), text, 'utf8');
  process.stdout.write(`wrote schema/${name}\n`);
}
