import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { failureOf } from '../src/runner/execute.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { sampleFromSchema } from './fake-llm/reply.js';
import { useFakeLlm } from './fake-llm/use.js';

/**
 * `convotest run` tells CI the truth: exit 3 when conversations errored (beyond failOnError) or
 * missed the cache, exit 2 in CI when something asked for cannot run, a budget that holds, a
 * model without a price refused up front.
 */
const llm = useFakeLlm({ log: true }, { resetEach: true });
const keys = { OPENAI_API_KEY: 'test-key-openai' };

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A config with a `baseline` and a `bot` model variant (and optionally a judge) over the synthetic cases. */
async function projectWithBaseline(options: { baseURL: string; config?: string; cases?: number }): Promise<string> {
  const dir = await syntheticProject({ cases: options.cases ?? 2, turns: 1, baseURL: options.baseURL });
  await writeFile(
    join(dir, 'convotest.config.yaml'),
    `goldenSets: [cases.jsonl]
graders: [${join(repoRoot, 'graders')}]
agents:
  baseline: { kind: baseline }
  bot: { kind: model, provider: openai, model: gpt-4o-mini, baseURL: ${options.baseURL}, maxRetries: 0 }
htmlReport: false
${options.config ?? ''}`,
  );
  return dir;
}

describe('errored conversations', () => {
  it('exit 3 by default, with the errors grouped by cause and an example case on the console', async () => {
    const port = await closedPort();
    const dir = await syntheticProject({ cases: 3, turns: 1, baseURL: `http://127.0.0.1:${port}/v1` });
    const result = await runCli(['run', '--progress', 'none', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      `3 of 3 conversations errored: E_PROVIDER openai gpt-4o-mini: connection failed: connect ECONNREFUSED 127.0.0.1:${port} (maxRetries 2) (3), e.g. case-0000`,
    );
    expect(result.stdout).toContain('exit 3: 3 of 3 conversations errored (failOnError tolerates none)');
    // What finished is on disk, each error with its cause.
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    expect(run.status).toBe('complete');
    expect(run.results.map((r) => r.error?.code)).toEqual(['E_PROVIDER', 'E_PROVIDER', 'E_PROVIDER']);
  }, 120_000);

  it('failOnError is the explicit tolerance: a share below 1, or a count', async () => {
    llm.setFaults([{ kind: 'server_error', match: { lastUser: 'case-00001' } }]);
    const dir = await syntheticProject({ cases: 4, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'cache: false\n' });
    const config = join(dir, 'convotest.config.yaml');
    const base = (await readFile(config, 'utf8')).replace('maxRetries: 2', 'maxRetries: 0');
    const runWith = async (failOnError: string) => {
      await writeFile(config, `${base}failOnError: ${failOnError}\n`);
      return runCli(['run', '--progress', 'none', '--out', `runs/${failOnError}.jsonl`], { cwd: dir, cleanEnv: true, env: keys });
    };
    expect((await runWith('0.25')).code).toBe(0); // 1 of 4 is not more than 25 %
    expect((await runWith('0.2')).code).toBe(3);
    expect((await runWith('1')).code).toBe(0); // one error tolerated
    const strict = await runWith('0');
    expect(strict.code).toBe(3);
    expect(strict.stdout).toMatch(/1 of 4 conversations errored: E_PROVIDER openai gpt-4o-mini: HTTP 500 .* \(1\), e\.g\. case-00001/);
  }, 120_000);

  it.each([
    [{ status: 'complete', errors: 0, done: 10, misses: 0 }, true, undefined],
    [{ status: 'complete', errors: 1, done: 10, misses: 0 }, true, '1 of 10 conversations errored (failOnError tolerates none)'],
    [{ status: 'complete', errors: 1, done: 10, misses: 0 }, 0.1, undefined],
    [{ status: 'complete', errors: 2, done: 10, misses: 0 }, 0.1, '2 of 10 conversations errored (failOnError tolerates 10%)'],
    [{ status: 'complete', errors: 3, done: 10, misses: 0 }, 3, undefined],
    [{ status: 'complete', errors: 4, done: 10, misses: 0 }, 3, '4 of 10 conversations errored (failOnError tolerates 3)'],
    [{ status: 'complete', errors: 10, done: 10, misses: 0 }, false, undefined],
    [{ status: 'complete', errors: 1, done: 10, misses: 1 }, false, '--cache-only: 1 conversation missed the cache; first: case "a", variant "v", turn 0, repeat 0 (run once without --cache-only to record them)'],
    [{ status: 'budget', errors: 0, done: 3, misses: 0 }, true, 'budget reached: replays not finished are not recorded (--resume runs them), grades not given are E_BUDGET errors (regrade gives them)'],
    [{ status: 'interrupted', errors: 0, done: 3, misses: 0 }, false, 'interrupted: the unfinished conversations are not recorded (--resume runs them)'],
  ] as const)('exit policy %j with failOnError %j → %j', (o, failOnError, expected) => {
    const outcome = {
      status: o.status,
      totals: { planned: 10, done: o.done, errors: o.errors, tokens: 0, costUsd: 0 },
      cacheMisses: o.misses ? { count: o.misses, first: { caseId: 'a', variant: 'v', repeat: 0, turn: 0 } } : { count: 0 },
    };
    expect(failureOf(outcome, failOnError)).toBe(expected);
  }, 120_000);
});

describe('--cache-only', () => {
  it('a miss exits 3 naming the first missed case and the turn as stored, even when errors are tolerated', async () => {
    const dir = await syntheticProject({ cases: 2, turns: 2, baseURL: llm.openaiBaseURL, extraConfig: 'failOnError: false\n' });
    const result = await runCli(['run', '--progress', 'none', '--cache-only', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(llm.counts.requests).toBe(0);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('exit 3: --cache-only: 2 conversations missed the cache; first: case "case-00000", variant "bot", turn 0, repeat 0');
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    const error = run.results[0]!.error!;
    // The message and the record agree on the turn.
    expect(error.turn).toBe(0);
    expect(error.message).toContain('no recorded reply for case "case-00000", variant "bot", turn 0, repeat 0');
  }, 120_000);
});

describe('variants and graders that cannot run', () => {
  it('in CI: exit 2 naming the env var, before anything is called or written', async () => {
    const dir = await projectWithBaseline({ baseURL: llm.openaiBaseURL, config: 'defaultGraders: [pii-leak]\n' });
    const result = await runCli(['run', '--progress', 'none', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: { CI: 'true' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'convotest: CI is set and a variant or grader the config asks for cannot run: variant bot: OPENAI_API_KEY is not set; set what is missing, or allow skipping with --allow-skip (or allowSkip: true in the config)\n',
    );
    await expect(readFile(join(dir, 'runs/r.jsonl'))).rejects.toThrow();
  }, 120_000);

  it('in CI with --allow-skip or allowSkip: true the rest runs, with one warning per skip', async () => {
    const dir = await projectWithBaseline({ baseURL: llm.openaiBaseURL, config: 'defaultGraders: [pii-leak]\n' });
    const flag = await runCli(['run', '--progress', 'none', '--allow-skip', '--out', 'runs/a.jsonl'], { cwd: dir, cleanEnv: true, env: { CI: 'true' } });
    expect(flag.code).toBe(0);
    expect(flag.stderr).toBe('warning: skipped variant bot: OPENAI_API_KEY is not set\n');
    await writeFile(join(dir, 'convotest.config.yaml'), `${await readFile(join(dir, 'convotest.config.yaml'), 'utf8')}allowSkip: true\n`);
    const config = await runCli(['run', '--progress', 'none', '--out', 'runs/b.jsonl'], { cwd: dir, cleanEnv: true, env: { CI: 'true' } });
    expect(config.code).toBe(0);
  }, 120_000);

  it('locally: a warning printed once, only for what the run asks for', async () => {
    // No judge: the shipped judge graders (support-quality, accuracy, hallucination) cannot run,
    // but only support-quality is asked for.
    const dir = await projectWithBaseline({ baseURL: llm.openaiBaseURL, config: 'defaultGraders: [pii-leak, support-quality]\n' });
    const result = await runCli(['run', '--progress', 'none', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'warning: skipped variant bot: OPENAI_API_KEY is not set\nwarning: skipped grader support-quality: needs a judge model: no judge is configured\n',
    );
    expect(result.stdout).not.toContain('skipped');
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    expect(run.header.graders.filter((g) => g.skipped).map((g) => g.name)).toEqual(['support-quality']);
  }, 120_000);
});

describe('--max-cost', () => {
  it('starts no call that could pass the budget, at concurrency 8', async () => {
    // Every call reports 1,000 input tokens: $0.00015 on gpt-4o-mini. $0.001 buys 6 calls.
    llm.setScript([{ reply: { text: 'ok' }, usage: { input: 1000, output: 0 } }]);
    const dir = await syntheticProject({ cases: 20, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'concurrency: { agent: 8, judge: 8 }\n' });
    const result = await runCli(['run', '--progress', 'none', '--no-cache', '--max-cost', '0.001', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(3);
    expect(llm.counts.requests).toBe(6);
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    expect(run.status).toBe('budget');
    const spent = run.results.reduce((sum, r) => sum + (r.costUsd ?? 0) + (r.judgeCostUsd ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(0.001);
    expect(run.results).toHaveLength(6);
    expect(result.stdout).toContain('exit 3: budget of $0.001 reached');
  }, 120_000);

  it('counts the judge: agent and judge calls together stay within the budget', async () => {
    llm.setScript([
      { match: { judge: true }, reply: (request) => ({ structured: sampleFromSchema(request.structured?.schema) }), usage: { input: 2000, output: 0 } },
      { reply: { text: 'ok' }, usage: { input: 1000, output: 0 } },
    ]);
    const dir = await projectWithBaseline({
      baseURL: llm.openaiBaseURL,
      cases: 20,
      config: `defaultGraders: [support-quality]\njudge: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\ncache: false\n`,
    });
    const result = await runCli(['run', '--progress', 'none', '--agent', 'bot', '--max-cost', '0.002', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(3);
    const run = await readRunAll(join(dir, 'runs/r.jsonl'));
    expect(run.status).toBe('budget');
    const spent = run.results.reduce((sum, r) => sum + (r.costUsd ?? 0) + (r.judgeCostUsd ?? 0), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.002);
    // Conversations whose grading the budget cut are kept, their missing grades as E_BUDGET errors.
    expect(run.results.some((r) => r.grades.some((g) => g.error?.code === 'E_BUDGET'))).toBe(true);
  }, 120_000);

  it('refuses to start when a model has no price: exit 2, nothing called', async () => {
    const dir = await syntheticProject({ cases: 2, turns: 1, baseURL: llm.openaiBaseURL });
    const config = join(dir, 'convotest.config.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('model: gpt-4o-mini', 'model: acme-chat-7b'));
    const result = await runCli(['run', '--progress', 'none', '--max-cost', '1', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^convotest: no price for model acme-chat-7b: add it under pricing: .*\(variant bot\)\n$/);
    expect(llm.counts.requests).toBe(0);
    // With a price, the same run goes.
    await writeFile(config, `${await readFile(config, 'utf8')}pricing: { acme-chat-7b: { input: 0.1, output: 0.1 } }\n`);
    expect((await runCli(['run', '--progress', 'none', '--max-cost', '1', '--out', 'runs/s.jsonl'], { cwd: dir, cleanEnv: true, env: keys })).code).toBe(0);
  }, 120_000);

  it('refuses an unpriced judge too', async () => {
    const dir = await projectWithBaseline({
      baseURL: llm.openaiBaseURL,
      config: `defaultGraders: [support-quality]\njudge: { provider: openai, model: acme-judge, baseURL: ${llm.openaiBaseURL} }\n`,
    });
    const result = await runCli(['run', '--progress', 'none', '--max-cost', '1', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no price for model acme-judge: add it under pricing:');
    expect(result.stderr).toContain('(the judge)');
  }, 120_000);
});

describe('model runs', () => {
  it('print no MaxListenersExceededWarning (judge calls no longer leave listeners on the run signal)', async () => {
    const dir = await projectWithBaseline({
      baseURL: llm.openaiBaseURL,
      cases: 30,
      config: `defaultGraders: [support-quality, accuracy]\njudge: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\ncache: false\n`,
    });
    const result = await runCli(['run', '--progress', 'none', '--agent', 'bot', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.stderr).not.toContain('MaxListenersExceededWarning');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(llm.counts.requests).toBeGreaterThanOrEqual(60); // 30 agent calls, 30 judge calls (support-quality)
  }, 120_000);
});

describe('--concurrency', () => {
  it('is capped at a sane maximum with a warning (and at the work there is)', async () => {
    const dir = await syntheticProject({ cases: 2, turns: 1, baseURL: llm.openaiBaseURL });
    const result = await runCli(['run', '--progress', 'none', '--concurrency', '100000', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: concurrency 100000 is more than 256 conversations at once: using 256\n');
    expect((await readRunAll(join(dir, 'runs/r.jsonl'))).results).toHaveLength(2);
  }, 120_000);
});

describe('--resume', () => {
  it('warns that the record was cut mid-line, and resumes from its last whole line', async () => {
    const dir = await syntheticProject({ cases: 4, turns: 1, baseURL: llm.openaiBaseURL });
    const path = join(dir, 'runs/r.jsonl');
    expect((await runCli(['run', '--progress', 'none', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys })).code).toBe(0);
    // Cut it as a kill would: drop the summary line and half of the last result.
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    const last = lines.at(-2)!;
    await writeFile(path, `${lines.slice(0, -2).join('\n')}\n${last.slice(0, Math.floor(last.length / 2))}`);
    const resumed = await runCli(['run', '--progress', 'none', '--resume', 'runs/r.jsonl', '--out', 'runs/s.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/^warning: --resume: .*r\.jsonl:\d+: last line is incomplete \(the run was cut off\); read up to line \d+\n$/);
    const run = await readRunAll(join(dir, 'runs/s.jsonl'));
    expect(run.results.map((r) => r.caseId).sort()).toEqual(['case-00000', 'case-00001', 'case-00002', 'case-00003']);
  }, 120_000);
});

describe('rpm', () => {
  it('one limiter per provider and base URL spaces the calls of the variants and the judge together', async () => {
    // rpm 120: one call per 500 ms, shared by the variant and the judge (same provider and base URL).
    const dir = await projectWithBaseline({
      baseURL: llm.openaiBaseURL,
      cases: 3,
      config: `defaultGraders: [support-quality]\njudge: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL}, rpm: 120 }\ncache: false\n`,
    });
    const config = join(dir, 'convotest.config.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('maxRetries: 0 }', 'maxRetries: 0, rpm: 120 }'));
    const result = await runCli(['run', '--progress', 'none', '--agent', 'bot', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: keys });
    expect(result.code).toBe(0);
    const times = llm.requests.map((r) => r.time).sort((a, b) => a - b);
    expect(times).toHaveLength(6); // 3 agent calls, 3 judge calls
    // Six calls one slot (500 ms) apart: from the second to the last, 4 slots (2 s). Arrival times
    // jitter (the first call also opens the connection), so the span is checked, not each gap.
    // With a limiter of its own, the judge would call right after each reply (about 1 s).
    expect(times.at(-1)! - times[1]!).toBeGreaterThanOrEqual(1700);
  }, 120_000);
});
