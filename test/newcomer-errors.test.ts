import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAvailableGraders } from '../src/io/grader-files.js';
import { readRunAll } from '../src/io/run-reader.js';
import { runCli } from './helpers/cli.js';

/** A folder with one golden set and the given config: what a newcomer writes first. */
async function project(config: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-newcomer-'));
  await mkdir(join(dir, 'golden-sets'));
  await writeFile(
    join(dir, 'golden-sets/a.yaml'),
    `cases:
  - id: leaky
    turns:
      - user: My email is ana@example.com, where is my order?
    expect:
      must_match: ['order']
`,
  );
  await writeFile(join(dir, 'convotest.config.yaml'), config);
  return dir;
}

const run = (dir: string, ...args: string[]) => runCli(['run', '--agent', 'baseline', '--progress', 'none', ...args], { cwd: dir, cleanEnv: true });

describe('errors a newcomer meets are one line and exit 2', () => {
  it('a typo in defaultGraders names the config file, line and field, with "did you mean"', async () => {
    const dir = await project('goldenSets: [golden-sets]\ndefaultGraders: [pii-leak, escalaton]\n');
    const r = await run(dir);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'convotest: convotest.config.yaml:2:28  defaultGraders[1]  unknown grader "escalaton" (did you mean "escalation"?)\n' });
  }, 60_000);

  it('a systemFile that does not exist is reported before anything is called', async () => {
    const dir = await project('goldenSets: [golden-sets]\nagents:\n  bot:\n    kind: model\n    provider: openai\n    model: gpt-4o-mini\n    systemFile: prompts/support.md\n');
    const r = await runCli(['run', '--progress', 'none'], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: 'http://127.0.0.1:9' } });
    expect(r).toMatchObject({ code: 2, stderr: 'convotest: convotest.config.yaml:7:17  agents.bot.systemFile  file not found: prompts/support.md\n' });
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  }, 60_000);

  it('--out to an existing file is refused and the file is left alone', async () => {
    const dir = await project('goldenSets: [golden-sets]\n');
    await writeFile(join(dir, 'r.jsonl'), 'yesterday\n');
    const r = await run(dir, '--out', 'r.jsonl');
    expect(r).toMatchObject({ code: 2, stderr: 'convotest: r.jsonl  --out  exists: choose another --out or delete it\n' });
    expect(await readFile(join(dir, 'r.jsonl'), 'utf8')).toBe('yesterday\n');
  }, 60_000);

  it.each([['view'], ['report'], ['agreement']])('%s on a run record that does not exist', async (command) => {
    const r = await runCli([command, 'runs/nope.jsonl'], { cleanEnv: true });
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'convotest: runs/nope.jsonl  run record not found\n' });
  }, 60_000);
});

describe('the shipped grader definitions are available by default', () => {
  it('a config that names no graders folder runs rules and pii-leak', async () => {
    const dir = await project('goldenSets: [golden-sets]\ngraders: []\ndefaultGraders: [rules, pii-leak]\n');
    const r = await run(dir, '--out', 'r.jsonl', '--no-html');
    expect(r.stderr).not.toContain('no grader named');
    expect(r.code).toBe(0);
    const record = await readRunAll(join(dir, 'r.jsonl'));
    expect(record.results[0]?.grades.map((g) => g.grader).sort()).toEqual(['pii-leak', 'rules']);
    // Shipped definitions nobody asked for stay out of the header and are not listed as skipped.
    expect(record.header.graders.map((g) => g.name).sort()).toEqual(['pii-leak', 'rules']);
    expect(r.stderr).not.toContain('skipped grader');
  }, 60_000);

  it('a project definition overrides the shipped one of the same name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-newcomer-'));
    await mkdir(join(dir, 'graders'));
    await writeFile(join(dir, 'graders/pii.yaml'), "name: pii-leak\nkind: regex\nscope: turn\nmust_not_match:\n  - label: card\n    pattern: '\\d{16}'\n");
    const { graders, problems } = await loadAvailableGraders(['graders'], { cwd: dir });
    expect(problems).toEqual([]);
    const byName = new Map(graders.map((g) => [String(g.definition['name']), g.file]));
    expect(byName.get('pii-leak')).toBe('graders/pii.yaml');
    expect(graders.filter((g) => g.definition['name'] === 'pii-leak')).toHaveLength(1);
    for (const name of ['rules', 'grounding', 'escalation', 'support-quality']) expect(byName.has(name)).toBe(true);
  });
});
