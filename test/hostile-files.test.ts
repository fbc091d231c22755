import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/io/config.js';
import { loadGoldenSets } from '../src/io/golden-sets.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import { decodeUtf8 } from '../src/io/utf8.js';
import { runCli } from './helpers/cli.js';

/** Hostile or malformed files a user may hand the tool (issue 15 items 9 and 11). */

const project = async (files: Record<string, string | Buffer>): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-hostile-'));
  for (const [name, body] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), body);
  }
  return dir;
};

// Nine levels of nine aliases: 9^9 (387 million) strings once expanded.
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  'cases: *i',
  '',
].join('\n');

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('a billion-laughs YAML file', () => {
  it('is a problem in that file, not a crash', async () => {
    const dir = await project({ 'golden-sets/laughs.yaml': BILLION_LAUGHS });
    const loaded = await loadGoldenSets(['golden-sets'], { cwd: dir });
    expect(loaded.problems).toEqual([
      {
        file: 'golden-sets/laughs.yaml',
        line: 1,
        column: 1,
        message: 'invalid YAML: Excessive alias count indicates a resource exhaustion attack (more than 1000 alias expansions)',
      },
    ]);
  });

  it('makes `convotest run` exit 2 naming the file', async () => {
    const dir = await project({ 'golden-sets/laughs.yaml': BILLION_LAUGHS });
    const r = await runCli(['run', '--progress', 'none'], { cwd: dir, cleanEnv: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('convotest: golden-sets/laughs.yaml:1:1  invalid YAML: Excessive alias count indicates a resource exhaustion attack (more than 1000 alias expansions)\n');
  }, 60_000);
});

describe('a file that is not UTF-8', () => {
  it('names the byte, its offset, line and column', () => {
    expect(decodeUtf8(latin1('id: a\nid: café\n'))).toEqual({
      fault: { offset: 13, line: 2, column: 8, message: 'not UTF-8: byte 0xE9 at offset 13 is not valid UTF-8 (save the file as UTF-8; Latin-1/Windows-1252 is not read)' },
    });
    expect(decodeUtf8(Buffer.from('\ufeffid: café\n'))).toEqual({ text: 'id: café\n' });
    expect(decodeUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toMatchObject({ fault: { offset: 1 } }); // an encoded surrogate
    expect(decodeUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toMatchObject({ fault: { offset: 1 } }); // cut mid-character
  });

  it('is refused in a golden set, a grader definition and the config, instead of read with U+FFFD', async () => {
    const dir = await project({
      'golden-sets/cases.yaml': latin1('cases:\n  - id: café\n    turns: [{ user: hola }]\n'),
      'graders/g.yaml': latin1('name: g\nkind: regex\nmust_match: [olé]\n'),
      'convotest.config.yaml': latin1('# réglages\ngoldenSets: [golden-sets]\n'),
    });
    const golden = await loadGoldenSets(['golden-sets'], { cwd: dir });
    expect(golden.cases).toEqual([]);
    expect(golden.problems).toEqual([{ file: 'golden-sets/cases.yaml', line: 2, column: 12, message: expect.stringContaining('not UTF-8: byte 0xE9 at offset 18') }]);
    const graders = await loadGraderFiles(['graders'], { cwd: dir });
    expect(graders.problems).toEqual([{ file: 'graders/g.yaml', line: 3, column: 16, message: expect.stringContaining('not UTF-8: byte 0xE9') }]);
    await expect(loadConfig(undefined, dir)).rejects.toThrow('convotest.config.yaml:1:4  not UTF-8: byte 0xE9 at offset 3');
  });
});

describe('redaction.custom', () => {
  it('an invalid or lookahead pattern names the file, line and field', async () => {
    const dir = await project({ 'convotest.config.yaml': "redaction:\n  enabled: true\n  custom:\n    order_id: 'ORD-(\\d+'\n" });
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      'convotest.config.yaml:4:15  redaction.custom.order_id  invalid regex "ORD-(\\\\d+": Invalid regular expression: /ORD-(\\d+/: Unterminated group',
    );
    const ahead = await project({ 'convotest.config.yaml': "redaction:\n  custom:\n    ref: 'REF-\\d+(?!x)'\n" });
    await expect(loadConfig(undefined, ahead)).rejects.toThrow('convotest.config.yaml:3:10  redaction.custom.ref  "REF-\\\\d+(?!x)" uses lookahead');
  });
});

describe('convotest report <folder>', () => {
  it('exits 2 with one line', async () => {
    const dir = await project({ 'runs/.keep': '' });
    const r = await runCli(['report', 'runs'], { cwd: dir, cleanEnv: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('convotest: runs: is a folder, not a run record (give a runs/<id>.jsonl file)\n');
  }, 60_000);
});

describe('convotest validate and custom graders', () => {
  it('loads each custom grader module and reports a missing module or export with file, line and field', async () => {
    const dir = await project({
      'golden-sets/cases.yaml': 'cases:\n  - id: a\n    turns: [{ user: hi }]\n',
      'graders/missing.yaml': 'name: missing\nkind: custom\nmodule: ./nope.ts\n',
      'graders/wrong-export.yaml': 'name: wrong-export\nkind: custom\nmodule: ./ok.ts\nexport: grade\n',
      'graders/ok.yaml': 'name: ok\nkind: custom\nmodule: ./ok.ts\n',
      'graders/ok.ts': 'export default function grade() {\n  return { score: 1 };\n}\n',
    });
    const r = await runCli(['validate', 'golden-sets', '--graders', 'graders'], { cwd: dir, cleanEnv: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      [
        "graders/missing.yaml:3:9  module  cannot load the custom grader: Cannot find module './nope.ts'",
        'graders/wrong-export.yaml:4:9  export  cannot load the custom grader: ./ok.ts does not export a function "grade"',
        '2 problems in 2 files',
        '',
      ].join('\n'),
    );
  }, 60_000);
});
