import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shardedWorkflow } from '../src/cli/init/templates.js';
import { repoRoot, runCli } from './helpers/cli.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: {
    shard: { strategy: { matrix: { shard: number[] } }; steps: Step[] };
    merge: { needs: string; steps: Step[] };
  };
}

describe('convotest init --shards n', () => {
  it('writes a matrix workflow: n shard jobs → artifacts → merge → gate → PR comment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-init-shards-'));
    // An existing package.json: init leaves it and packs nothing.
    await writeFile(join(dir, 'package.json'), '{ "name": "evals", "private": true }\n');
    const out = await runCli(['init', '--shards', '6'], { cwd: dir, cleanEnv: true });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const text = await readFile(join(dir, '.github/workflows/convotest.yml'), 'utf8');
    expect(text).toBe(shardedWorkflow(6, '.'));
    const workflow = parse(text) as Workflow;

    expect(workflow.jobs.shard.strategy.matrix.shard).toEqual([1, 2, 3, 4, 5, 6]);
    const run = workflow.jobs.shard.steps.find((s) => s.run?.includes('convotest run'));
    expect(run?.run).toBe('npx convotest run --shard ${{ matrix.shard }}/6 --out runs/shard-${{ matrix.shard }}.jsonl --no-html --progress lines');
    expect(workflow.jobs.shard.steps.find((s) => s.uses === 'actions/upload-artifact@v4')?.with?.['name']).toBe('convotest-shard-${{ matrix.shard }}');

    const merge = workflow.jobs.merge;
    expect(merge.needs).toBe('shard');
    const names = merge.steps.map((s) => s.name ?? s.uses);
    const at = (name: string) => names.indexOf(name);
    expect(merge.steps.find((s) => s.uses === 'actions/download-artifact@v4')?.with).toMatchObject({ pattern: 'convotest-shard-*', path: 'shards' });
    expect(merge.steps[at('Merge the shards')]?.run).toBe('npx convotest merge shards/*.jsonl --out runs/run.jsonl');
    expect(merge.steps[at('Gate against main')]?.run).toBe('npx convotest gate --baseline baseline/run.jsonl --candidate runs/run.jsonl --format markdown --out runs/run.gate.md');
    expect(merge.steps[at('Post the verdict on the pull request')]?.run).toContain('--body-file runs/run.gate.md');
    expect(at('Merge the shards')).toBeLessThan(at('Gate against main'));
    expect(at('Gate against main')).toBeLessThan(at('Post the verdict on the pull request'));
  }, 60_000);

  it('refuses a shard count that is not a whole number from 1 to 256', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-init-shards-'));
    const out = await runCli(['init', '--shards', '0'], { cwd: dir, cleanEnv: true });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('convotest: --shards "0": expected a whole number from 1 to 256, e.g. --shards 4\n');
  }, 60_000);

  it('README ("Shards on CI") shows the workflow init --shards 4 writes', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Shards on CI'));
    const body = section.slice(section.indexOf('```yaml\n') + '```yaml\n'.length);
    expect(body.slice(0, body.indexOf('```'))).toBe(shardedWorkflow(4, '.'));
  });
});
