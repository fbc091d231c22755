import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: false });

const env = { OPENAI_API_KEY: 'test-key' };
const good = { reply: { text: 'Good news: it ships tomorrow.' } };

async function project(): Promise<string> {
  const dir = await syntheticProject({
    cases: 40,
    turns: 1,
    baseURL: llm.openaiBaseURL,
    extraConfig: 'defaultGraders: [mentions-shipping]\ncache: false\ngate:\n  slices: [intent]\n',
  });
  const configPath = join(dir, 'convotest.config.yaml');
  await writeFile(configPath, (await readFile(configPath, 'utf8')).replace('graders: []', 'graders: [graders]'));
  await mkdir(join(dir, 'graders'));
  await writeFile(
    join(dir, 'graders/shipping.yaml'),
    "name: mentions-shipping\nkind: regex\nscope: turn\nroles: [assistant]\nmust_match:\n  - label: shipping\n    pattern: '(?i)ships'\n",
  );
  return dir;
}

describe('convotest run --baseline', () => {
  it('exits 1 when one slice regressed, naming the slice and the flipped cases in the Markdown', async () => {
    const dir = await project();
    llm.setScript([good]);
    const base = await runCli(['run', '--progress', 'none', '--no-html', '--out', 'runs/base.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(base.code).toBe(0);

    // The candidate stops mentioning shipping for order-status cases (odd case numbers).
    llm.setScript([{ match: { lastUser: /case-\d{4}[13579]\b/ }, reply: { text: 'Please check your account page.' } }, good]);
    const candidate = await runCli(['run', '--progress', 'none', '--no-html', '--out', 'runs/cand.jsonl', '--baseline', 'runs/base.jsonl'], {
      cwd: dir,
      cleanEnv: true,
      env,
    });
    expect(candidate.code).toBe(1);
    expect(candidate.stdout).toMatch(/fail/i);
    const markdown = await readFile(join(dir, 'runs/cand.gate.md'), 'utf8');
    expect(markdown).toContain('intent=order-status');
    expect(markdown).toContain('case-00001');
    expect(markdown).toContain('case-00039');
    expect(markdown).not.toMatch(/case-00002\b/);
  }, 90_000);

  it('exits 0 for an unchanged candidate', async () => {
    const dir = await project();
    llm.setScript([good]);
    await runCli(['run', '--progress', 'none', '--no-html', '--out', 'runs/base.jsonl'], { cwd: dir, cleanEnv: true, env });
    const again = await runCli(['run', '--progress', 'none', '--no-html', '--out', 'runs/cand.jsonl', '--baseline', 'runs/base.jsonl'], {
      cwd: dir,
      cleanEnv: true,
      env,
    });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/pass/i);
  }, 90_000);

  it('a config gate rule naming an unknown grader exits 2 after the run, naming the config file and line, with the summary printed and the record kept', async () => {
    const dir = await project();
    const configPath = join(dir, 'convotest.config.yaml');
    const config = await readFile(configPath, 'utf8');
    llm.setScript([good]);
    const base = await runCli(['run', '--progress', 'none', '--no-html', '--out', 'runs/base.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(base.code).toBe(0);
    const typoConfig = config.replace('gate:\n  slices: [intent]\n', 'gate:\n  floors:\n    - { metric: mentions-shiping.passRate, min: 1 }\n');
    await writeFile(configPath, typoConfig);
    const ruleLine = typoConfig.split('\n').findIndex((l) => l.includes('mentions-shiping')) + 1;
    const typo = await runCli(['run', '--progress', 'none', '--no-html', '--out', 'runs/cand.jsonl', '--baseline', 'runs/base.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim().split('\n').at(-1)).toBe(
      `convotest: convotest.config.yaml:${ruleLine}  gate.floors[0].metric  rule "floor mentions-shiping.passRate ≥ 1" names an unknown grader "mentions-shiping" (did you mean "mentions-shipping"?)`,
    );
    expect(typo.stdout).toContain('runs/cand.jsonl');
    await expect(readFile(join(dir, 'runs/cand.jsonl'), 'utf8')).resolves.toContain('"type":"summary"');
  }, 120_000);
});

