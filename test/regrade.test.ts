import { existsSync } from 'node:fs';
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
    // Shipped judge graders nobody asked for are not listed as skipped.
    expect(regrade.stderr).not.toContain('skipped grader');
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

describe('convotest regrade writes a record like run does', () => {
  it('keeps the judge seed and minCasePassRate, signs the record, and writes the summary and the HTML report', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'It ships tomorrow.' } }]);
    const extraConfig = `defaultGraders: [mentions-shipping]
signingKeyEnv: AUDIT_KEY
judge: { provider: openai, model: gpt-4o-mini, seed: 7, baseURL: ${llm.openaiBaseURL} }
gate: { minCasePassRate: 0.5 }
`;
    const dir = await syntheticProject({ cases: 3, turns: 1, baseURL: llm.openaiBaseURL, extraConfig, html: true });
    const configPath = join(dir, 'convotest.config.yaml');
    await writeFile(configPath, (await readFile(configPath, 'utf8')).replace('graders: []', 'graders: [graders]'));
    await mkdir(join(dir, 'graders'));
    await writeFile(join(dir, 'graders/shipping.yaml'), grader('(?i)ships'));
    const env = { OPENAI_API_KEY: 'test-key', AUDIT_KEY: 'k-1' };
    const run = await runCli(['run', '--progress', 'none', '--out', 'runs/source.jsonl', '--repeat', '2'], { cwd: dir, cleanEnv: true, env });
    expect(run.code).toBe(0);
    const source = await readRunAll(join(dir, 'runs/source.jsonl'));

    const regrade = await runCli(['regrade', 'runs/source.jsonl', '--out', 'runs/regraded.jsonl', '--progress', 'lines'], { cwd: dir, cleanEnv: true, env });
    expect(regrade.code).toBe(0);
    expect(regrade.stderr).toContain('running 6 conversations\n');
    expect(regrade.stdout).toContain('runs/regraded.html');
    const regraded = await readRunAll(join(dir, 'runs/regraded.jsonl'));
    // The header is built like run's: same keys, the judge with its seed, the source run named.
    expect(Object.keys(regraded.header).sort()).toEqual([...Object.keys(source.header), 'sourceRun'].sort());
    expect(regraded.header.judge).toEqual(source.header.judge);
    expect(regraded.header.judge?.seed).toBe(7);
    expect(regraded.header.repeat).toBe(2);
    expect(regraded.summaryLine?.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(regraded.summaryLine?.summary?.variants[0]?.repeats.minCasePassRate).toBe(0.5);
    const verify = await runCli(['verify', 'runs/regraded.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(verify.stdout).toContain('signature valid');
    expect(existsSync(join(dir, 'runs/regraded.html'))).toBe(true);
  }, 90_000);

  it('refuses an --out that exists and a source that does not, with one line and exit 2, before grading', async () => {
    const dir = await syntheticProject({ cases: 1, turns: 1 });
    await mkdir(join(dir, 'runs'));
    await writeFile(join(dir, 'runs/a.jsonl'), 'x\n');
    await writeFile(join(dir, 'runs/b.jsonl'), 'keep me\n');
    const exists = await runCli(['regrade', 'runs/a.jsonl', '--out', 'runs/b.jsonl'], { cwd: dir, cleanEnv: true });
    expect(exists).toMatchObject({ code: 2, stderr: 'convotest: runs/b.jsonl  --out  exists: choose another --out or delete it\n' });
    expect(await readFile(join(dir, 'runs/b.jsonl'), 'utf8')).toBe('keep me\n');
    const missing = await runCli(['regrade', 'runs/nope.jsonl'], { cwd: dir, cleanEnv: true });
    expect(missing).toMatchObject({ code: 2, stderr: 'convotest: runs/nope.jsonl  run record not found\n' });
  }, 60_000);
});
