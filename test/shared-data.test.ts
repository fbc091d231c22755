import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

describe('tests that read ../shared/data', () => {
  it('reach it only through test/helpers/shared-data.ts, which skips with a reason when it is absent', async () => {
    const offenders: string[] = [];
    for (const file of await files(join(repoRoot, 'test'))) {
      const rel = relative(repoRoot, file);
      if (rel === 'test/helpers/shared-data.ts' || rel === 'test/shared-data.test.ts') continue;
      if ((await readFile(file, 'utf8')).includes('shared/data')) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});
