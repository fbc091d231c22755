import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGraderFiles, SHIPPED_GRADERS_DIR } from '../src/io/grader-files.js';
import { pathToFileURL } from 'node:url';
import { isBuiltModule, readShippedGraderManifest, RUNNING_BUILT_CODE, writeShippedGraderManifest } from '../src/io/shipped-graders.js';

// The build's record of the shipped grader files (dist/shipped-graders.json, written by
// scripts/shipped-graders.ts): a file is taken from it only when its bytes hash the same.
async function manifestOf(dir: string, checked: boolean): Promise<string> {
  const { graders } = await loadGraderFiles([dir], { cwd: dir });
  const byFile = new Map<string, typeof graders>();
  for (const g of graders) byFile.set(g.file, [...(byFile.get(g.file) ?? []), g]);
  const file = join(await mkdtemp(join(tmpdir(), 'convotest-manifest-')), 'shipped-graders.json');
  await writeShippedGraderManifest(
    [...byFile].map(([f, list]) => ({ file: f, sha256: list[0]!.sha256, definitions: list.map((g) => ({ definition: g.definition, line: g.line, path: g.path })), checked })),
    file,
  );
  return file;
}

const comparable = (graders: Awaited<ReturnType<typeof loadGraderFiles>>['graders']) =>
  graders.map((g) => ({ file: g.file, sha256: g.sha256, definition: g.definition, line: g.line, path: g.path }));

describe('the shipped grader record', () => {
  it('gives the same definitions, lines and positions as parsing the files, marked checked', async () => {
    const manifest = readShippedGraderManifest(await manifestOf(SHIPPED_GRADERS_DIR, true))!;
    const parsed = await loadGraderFiles([SHIPPED_GRADERS_DIR]);
    const recorded = await loadGraderFiles([SHIPPED_GRADERS_DIR], { manifest });
    expect(parsed.graders.length).toBeGreaterThan(10);
    expect(comparable(recorded.graders)).toEqual(comparable(parsed.graders));
    expect(recorded.graders.every((g) => g.checked === true)).toBe(true);
    expect(parsed.graders.some((g) => g.checked !== undefined)).toBe(false);
    // Positions come from the text when asked (outcomes.yaml holds four definitions in a list).
    for (const [i, g] of recorded.graders.entries()) {
      for (const at of [['name'], ['kind'], ['threshold']]) {
        expect(g.locate(at), `${g.file} ${at.join('.')}`).toEqual(parsed.graders[i]!.locate(at));
        expect(g.locate(at, { key: true })).toEqual(parsed.graders[i]!.locate(at, { key: true }));
      }
    }
  });

  it('parses and leaves unchecked a file whose bytes differ from the recorded ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-shipped-'));
    await copyFile(join(SHIPPED_GRADERS_DIR, 'rules.yaml'), join(dir, 'rules.yaml'));
    await copyFile(join(SHIPPED_GRADERS_DIR, 'pii-leak.yaml'), join(dir, 'pii-leak.yaml'));
    const manifest = readShippedGraderManifest(await manifestOf(dir, true))!;
    const text = await readFile(join(dir, 'pii-leak.yaml'), 'utf8');
    await writeFile(join(dir, 'pii-leak.yaml'), text.replace(/^description: .*$/m, 'description: edited after the build'));
    const { graders } = await loadGraderFiles([dir], { cwd: dir, manifest });
    const byName = new Map(graders.map((g) => [g.definition['name'], g]));
    expect(byName.get('rules')?.checked).toBe(true);
    expect(byName.get('pii-leak')?.checked).toBeUndefined();
    expect(byName.get('pii-leak')?.definition['description']).toBe('edited after the build');
  });

  it('marks nothing checked when the build found a problem, and reads no record that is missing or damaged', async () => {
    const manifest = readShippedGraderManifest(await manifestOf(SHIPPED_GRADERS_DIR, false))!;
    const { graders } = await loadGraderFiles([SHIPPED_GRADERS_DIR], { manifest });
    expect(graders.some((g) => g.checked)).toBe(false);
    const dir = await mkdtemp(join(tmpdir(), 'convotest-manifest-'));
    expect(readShippedGraderManifest(join(dir, 'absent.json'))).toBeUndefined();
    await writeFile(join(dir, 'damaged.json'), '{"files": [');
    expect(readShippedGraderManifest(join(dir, 'damaged.json'))).toBeUndefined();
  });

  it('is read only by the built code it came with: run from source, the shipped files are parsed and checked', () => {
    const root = join(tmpdir(), 'pkg');
    expect(isBuiltModule(pathToFileURL(join(root, 'dist/cli-bundle/chunk-A.js')).href, root)).toBe(true);
    expect(isBuiltModule(pathToFileURL(join(root, 'dist/io/shipped-graders.js')).href, root)).toBe(true);
    expect(isBuiltModule(pathToFileURL(join(root, 'src/io/shipped-graders.ts')).href, root)).toBe(false);
    expect(isBuiltModule(pathToFileURL(join(root, 'dist-old/x.js')).href, root)).toBe(false);
    expect(RUNNING_BUILT_CODE).toBe(false); // these tests run the sources
  });
});
