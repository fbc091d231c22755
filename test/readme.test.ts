import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/io/config.js';
import { loadGoldenSets } from '../src/io/golden-sets.js';
import { listGraderNames } from '../src/io/grader-files.js';
import { repoRoot } from './helpers/cli.js';

/** README's examples are part of the product: they must stay valid as the formats change. */
async function block(opening: string): Promise<string> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(opening);
  expect(start, `README has a block starting with ${JSON.stringify(opening)}`).toBeGreaterThanOrEqual(0);
  const body = readme.slice(start + opening.indexOf('\n') + 1);
  return body.slice(0, body.indexOf('```'));
}

describe('README examples', () => {
  it('the golden-set example validates against the shipped graders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-readme-'));
    await writeFile(join(dir, 'refunds.yaml'), await block('```yaml\n# golden-sets/refunds.yaml'));
    const knownGraders = await listGraderNames([join(repoRoot, 'graders')]);
    const loaded = await loadGoldenSets([dir], { cwd: dir, knownGraders });
    expect(loaded.problems).toEqual([]);
    expect(loaded.cases.map((c) => c.id)).toEqual(['refund-window', 'recorded-escalation']);
  });

  it('the configuration example loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-readme-'));
    const source = (await block("```ts\nimport { defineConfig } from 'convotest';")).replace(
      "from 'convotest'",
      `from ${JSON.stringify(join(repoRoot, 'src/index.ts'))}`,
    );
    await writeFile(join(dir, 'convotest.config.ts'), source);
    const { config } = await loadConfig(undefined, dir);
    expect(Object.keys(config.agents)).toEqual(['baseline', 'concise', 'ours']);
    expect(config.gate.floors).toEqual([{ metric: 'pii-leak.passRate', min: 1 }]);
  });

  it('the simulated-customer example validates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-readme-'));
    await writeFile(join(dir, 'simulated.yaml'), `cases:\n${await block('```yaml\n  - id: sim-refund-damaged-kettle')}`);
    const loaded = await loadGoldenSets([dir], { cwd: dir, knownGraders: await listGraderNames([join(repoRoot, 'graders')]) });
    expect(loaded.problems).toEqual([]);
    expect(loaded.cases[0]?.user).toMatchObject({ max_turns: 8, facts: { order_id: 'VL-30417' } });
  });
});
