import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const invalidDir = 'test/fixtures/invalid';

/** Runs the real CLI from source, as a user would. */
const cli = (args: string[]) => runCli(args);

describe('convotest validate on the broken fixtures', () => {
  it('reports every problem with file:line:column, field and exact message, and exits 2', async () => {
    const expected = JSON.parse(await readFile(resolve(root, invalidDir, 'expected.json'), 'utf8')) as Record<string, string[]>;
    const files = (await readdir(resolve(root, invalidDir))).filter((f) => f !== 'expected.json');
    // Every fixture has its expectation, and at least 25 of them are broken.
    expect(Object.keys(expected).sort()).toEqual(files.sort());
    expect(Object.values(expected).filter((lines) => lines.length > 0).length).toBeGreaterThanOrEqual(25);

    const { code, stdout, stderr } = await cli(['validate', invalidDir, '--graders', 'test/fixtures/golden/graders']);
    expect(stderr).toBe('');
    expect(code).toBe(2);
    const lines = stdout.trimEnd().split('\n');
    const summary = lines.pop();
    const all = Object.values(expected).flat();
    expect(new Set(lines)).toEqual(new Set(all));
    expect(lines).toHaveLength(all.length);
    const broken = Object.values(expected).filter((l) => l.length > 0).length;
    expect(summary).toBe(`${all.length} problems in ${broken} files`);
    for (const line of lines) expect(line).toMatch(/^test\/fixtures\/invalid\/[\w.-]+:\d+(:\d+)? {2}/);
  });

  it('checks one file at a time too (a duplicate needs both files)', async () => {
    const one = await cli(['validate', `${invalidDir}/unknown-key-typo.yaml`, '--graders', 'test/fixtures/golden/graders']);
    expect(one.code).toBe(2);
    expect(one.stdout).toBe(
      'test/fixtures/invalid/unknown-key-typo.yaml:7:11  cases[0].turns[0].expect.mustmatch  unknown key "mustmatch" (did you mean "must_match"?)\n1 problem in 1 file\n',
    );
    const alone = await cli(['validate', `${invalidDir}/duplicate-id-second.yaml`, '--graders', 'test/fixtures/golden/graders']);
    expect(alone).toMatchObject({ code: 0, stdout: 'ok: 2 cases in 1 file\n' });
  });
});

describe('convotest validate on good files', () => {
  it('prints a one-line summary and exits 0', async () => {
    const { code, stdout } = await cli(['validate', 'test/fixtures/golden/sets', '--graders', 'test/fixtures/golden/graders']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'ok: 5 cases in 2 files\n' });
  });

  it('accepts globs and reports a path that matches nothing', async () => {
    const glob = await cli(['validate', 'test/fixtures/golden/sets/**/*.jsonl', '--graders', 'test/fixtures/golden/graders']);
    expect(glob.stdout).toBe('ok: 2 cases in 1 file\n');
    const missing = await cli(['validate', 'no-such-folder', '--graders', 'test/fixtures/golden/graders']);
    expect(missing).toMatchObject({ code: 2, stdout: 'no-such-folder  no such file or folder\n1 problem in 1 file\n' });
  });

  it('also checks the grader definitions it reads (kind options by the registry)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-validate-'));
    await writeFile(join(dir, 'tone.yaml'), 'name: tone\nkind: rubrik\n');
    const { code, stdout } = await cli(['validate', 'test/fixtures/golden/sets/extra', '--graders', dir]);
    expect(code).toBe(2);
    expect(stdout).toContain(`${join(dir, 'tone.yaml')}:2:7  kind  unknown grader kind "rubrik"`);
    // The shipped definitions are known without a graders folder.
    expect(stdout).not.toContain('unknown grader "rules"');
  });

  it('reads paths and grader folders from --config, and checks its defaultGraders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-validate-'));
    const config = join(dir, 'convotest.config.yaml');
    await writeFile(config, `goldenSets: [${resolve(root, 'test/fixtures/golden/sets')}]\ngraders: [${resolve(root, 'test/fixtures/golden/graders')}]\ndefaultGraders: [rulez]\n`);
    const { code, stdout } = await cli(['validate', '--config', config]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: `${config}:3:18  defaultGraders[0]  unknown grader "rulez" (did you mean "rules"?)\n1 problem in 1 file\n` });
  });

  it('reports a systemFile that does not exist, with the config line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-validate-'));
    await writeFile(join(dir, 'convotest.config.yaml'), `goldenSets: [${resolve(root, 'test/fixtures/golden/sets/extra')}]\nagents:\n  bot:\n    kind: model\n    provider: openai\n    model: gpt-4o-mini\n    systemFile: prompts/missing.md\n`);
    const { code, stdout } = await runCli(['validate'], { cwd: dir });
    expect({ code, stdout }).toEqual({
      code: 2,
      stdout: 'convotest.config.yaml:7:17  agents.bot.systemFile  file not found: prompts/missing.md\n1 problem in 1 file\n',
    });
  });

  it('shows examples in --help', async () => {
    const { code, stdout } = await cli(['validate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Examples:');
  });
});
