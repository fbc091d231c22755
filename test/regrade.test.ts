import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: false });

const grader = (pattern: string) => `name: mentions-shipping
kind: regex
scope: turn
roles: [assistant]
must_match:
  - label: shipping
    pattern: '${pattern}'
`;

describe('convotest regrade', () => {
  it('re-grades stored transcripts with the changed grader, calls no agent, and names its source run', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'It ships tomorrow.' } }]);
    const dir = await syntheticProject({ cases: 4, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'defaultGraders: [mentions-shipping]\n' });
    const configPath = join(dir, 'convotest.config.yaml');
    await writeFile(configPath, (await readFile(configPath, 'utf8')).replace('graders: []', 'graders: [graders]'));
    await mkdir(join(dir, 'graders'));
    await writeFile(join(dir, 'graders/shipping.yaml'), grader('(?i)ships'));
    const env = { OPENAI_API_KEY: 'test-key' };

    const run = await runCli(['run', '--progress', 'none', '--out', 'runs/source.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(run.stderr).toBe('');
    const source = await readRunAll(join(dir, 'runs/source.jsonl'));
    expect(source.results.map((r) => r.grades[0]?.pass)).toEqual([true, true, true, true]);
    const calls = llm.counts.requests;

    await writeFile(join(dir, 'graders/shipping.yaml'), grader('(?i)delivered'));
    const regrade = await runCli(['regrade', 'runs/source.jsonl', '--out', 'runs/regraded.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(regrade.code).toBe(0);
    expect(regrade.stdout).toContain('regraded 4 results from runs/source.jsonl: runs/regraded.jsonl');
    expect(llm.counts.requests).toBe(calls);

    const regraded = await readRunAll(join(dir, 'runs/regraded.jsonl'));
    expect(regraded.header.sourceRun).toEqual({ runId: source.header.runId, path: 'runs/source.jsonl' });
    expect(regraded.header.hashes.graders['mentions-shipping']).not.toBe(source.header.hashes.graders['mentions-shipping']);
    expect(regraded.results.map((r) => r.grades[0]?.pass)).toEqual([false, false, false, false]);
    // The conversation itself is carried over untouched.
    const byId = (rs: typeof source.results) => Object.fromEntries(rs.map((r) => [r.caseId, [r.transcriptHash, r.usage, r.costUsd]]));
    expect(byId(regraded.results)).toEqual(byId(source.results));
  }, 60_000);
});
