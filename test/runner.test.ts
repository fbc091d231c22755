import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: true });

const keys = { OPENAI_API_KEY: 'test-key-openai', ANTHROPIC_API_KEY: 'test-key-anthropic' };

describe('convotest run over the fake LLM', () => {
  it('replays every turn, records usage, latency and cost, and a second run is served from the cache', async () => {
    llm.reset();
    llm.setScript([{ match: { lastUser: /Question \d/ }, reply: { text: 'Your order is on its way.' }, usage: { input: 100, output: 10 } }]);
    const dir = await syntheticProject({ cases: 5, turns: 3, baseURL: llm.openaiBaseURL });

    const first = await runCli(['run', '--progress', 'none', '--out', 'runs/first.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(llm.counts.requests).toBe(15);
    const run = await readRunAll(join(dir, 'runs/first.jsonl'));
    expect(run.status).toBe('complete');
    expect(run.results).toHaveLength(5);
    const result = run.results[0]!;
    expect(result.transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(result.usage).toEqual({ input: 300, output: 30, cached: 0 });
    // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output (src/models/pricing.ts)
    expect(result.costUsd).toBeCloseTo((300 * 0.15 + 30 * 0.6) / 1e6, 12);
    expect(result.transcript[1]).toMatchObject({ model: 'gpt-4o-mini', turn: 0 });
    expect(result.transcript[1]!.latencyMs).toBeGreaterThanOrEqual(0);

    const second = await runCli(['run', '--progress', 'none', '--out', 'runs/second.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(second.code).toBe(0);
    expect(llm.counts.requests).toBe(15);
    const again = await readRunAll(join(dir, 'runs/second.jsonl'));
    const contents = (results: typeof run.results) =>
      Object.fromEntries(results.map((r) => [r.caseId, r.transcript.map((m) => m.content)]));
    expect(contents(again.results)).toEqual(contents(run.results));
    expect(again.results.every((r) => r.transcript[1]!.cached === true)).toBe(true);
  }, 90_000);

  it('--cache-only fails on a miss naming the case and turn (as stored), calls nothing, exits 3', async () => {
    llm.reset();
    const dir = await syntheticProject({ cases: 2, baseURL: llm.openaiBaseURL });
    const result = await runCli(['run', '--progress', 'none', '--cache-only', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(llm.counts.requests).toBe(0);
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    expect(run.results.map((r) => r.error?.code)).toEqual(['E_CACHE_MISS', 'E_CACHE_MISS']);
    expect(run.results[0]!.error!.message).toContain('no recorded reply for case "case-00000", variant "bot", turn 0');
    expect(run.results[0]!.error!.turn).toBe(0);
    expect(result.code).toBe(3);
  }, 90_000);

  it('failOnError makes a run with errors exit 3, keeping what finished', async () => {
    llm.reset();
    const dir = await syntheticProject({ cases: 2, baseURL: llm.openaiBaseURL, extraConfig: 'failOnError: true\n' });
    const result = await runCli(['run', '--progress', 'none', '--cache-only', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(3);
    expect((await readRunAll(join(dir, 'runs/r.jsonl'))).results).toHaveLength(2);
  }, 90_000);

  it('starts no call that would pass --max-cost: status budget, exit 3', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'ok' }, usage: { input: 1_000_000, output: 0 } }]);
    const dir = await syntheticProject({ cases: 20, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'concurrency: { agent: 1, judge: 1 }\n' });
    const result = await runCli(['run', '--progress', 'none', '--no-cache', '--max-cost', '0.5', '--out', 'runs/r.jsonl'], {
      cwd: dir,
      cleanEnv: true,
      env: keys,
    });
    expect(result.code).toBe(3);
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    expect(run.status).toBe('budget');
    // each case costs $0.15: a 4th would make $0.60 > $0.50, so it does not start
    expect(run.results).toHaveLength(3);
    expect(llm.counts.requests).toBe(3);
  }, 90_000);

  it('--dry-run prints planned calls and a token and cost range without calling anything', async () => {
    llm.reset();
    const dir = await syntheticProject({ cases: 10, turns: 3, baseURL: llm.openaiBaseURL });
    const result = await runCli(['run', '--dry-run'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(0);
    expect(llm.counts.requests).toBe(0);
    expect(result.stdout).toContain('dry run: 10 conversations planned; nothing was called');
    expect(result.stdout).toMatch(/bot\s+gpt-4o-mini\s+10\s+30\s+[\d,]+ – [\d,]+\s+\$\d\.\d{4} – \$\d\.\d{4}/);
  }, 90_000);

  it('records a per-turn timeout as an error of that turn and goes on with other cases', async () => {
    llm.reset();
    llm.setScript([
      { match: { lastUser: 'case-00001' }, reply: { text: 'slow' }, latencyMs: 3000 },
      { reply: { text: 'fast' } },
    ]);
    const dir = await syntheticProject({ cases: 2, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'turnTimeoutMs: 300\n' });
    await runCli(['run', '--progress', 'none', '--no-cache', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    const byId = Object.fromEntries(run.results.map((r) => [r.caseId, r]));
    expect(byId['case-00000']!.error).toBeUndefined();
    expect(byId['case-00001']!.error).toMatchObject({ turn: 0 });
    expect(byId['case-00001']!.grades).toEqual([]);
  }, 90_000);

  it('never writes an API key value into any file or output', async () => {
    llm.reset();
    const secret = 'sk-proj-PLANTEDsecretVALUE0123456789abcdef';
    const dir = await syntheticProject({ cases: 3, baseURL: llm.openaiBaseURL, html: true });
    const result = await runCli(['run', '--progress', 'lines', '--out', 'runs/r.jsonl'], {
      cwd: dir,
      cleanEnv: true,
      env: { OPENAI_API_KEY: secret, ANTHROPIC_API_KEY: secret },
    });
    expect(result.code).toBe(0);
    const files = await listFiles(dir);
    expect(files.some((f) => f.endsWith('.html'))).toBe(true);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(await readFile(file, 'utf8'), file).not.toContain(secret);
    expect(result.stdout + result.stderr).not.toContain(secret);
  }, 90_000);
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}
