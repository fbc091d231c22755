import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../src/io/json-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('schema/*.schema.json', () => {
  it.each(Object.entries(renderJsonSchemas()))('%s is up to date (run: npx tsx scripts/export-schemas.ts)', async (name, text) => {
    expect(await readFile(resolve(root, 'schema', name), 'utf8')).toBe(text);
  });

  it('rejects unknown keys so editors flag typos', () => {
    const golden = JSON.parse(renderJsonSchemas()['golden-set.schema.json']) as { additionalProperties?: boolean; required?: string[] };
    expect(golden.additionalProperties).toBe(false);
    expect(golden.required).toEqual(['cases']);
  });
});
