import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import type { RunResult } from '../src/schema/run-record.js';
import { formatBatchEvent } from '../src/report/progress.js';
import { estimateRun, formatDryRun } from '../src/runner/estimate.js';
import { prepareRun } from '../src/runner/prepare.js';
import { batchProject } from './batch-project.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { useFakeLlm } from './fake-llm/use.js';
import { runProject } from './batch-run.js';

const llm = useFakeLlm({}, { resetEach: true });
const env = { OPENAI_API_KEY: 'test-key', ANTHROPIC_API_KEY: 'test-key' };

describe('run --batch', () => {
  it.each(['openai', 'anthropic'] as const)('%s: submit → poll → results, one agent batch per turn, the conversation judge in the last round', async (provider) => {
    llm.setBatchFaults({ pendingPolls: 2 });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Your order ships tomorrow.' } }]);
    const dir = await batchProject({ cases: 5, turns: 2, baseURL: provider === 'openai' ? llm.openaiBaseURL : llm.anthropicBaseURL, provider });
    const out = join(dir, 'runs/r.jsonl');
    const res = await runCli(['run', '--batch', '--progress', 'lines', '--out', out], { cwd: dir, cleanEnv: true, env });
    expect(res.stderr).toContain('submitted');
    expect(res.code, res.stderr).toBe(0);
    const run = await readRunAll(out);
    expect(run.status).toBe('complete');
    expect(run.results).toHaveLength(5);
    for (const r of run.results) {
      expect(r.error).toBeUndefined();
      expect(r.transcript.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['Your order ships tomorrow.', 'Your order ships tomorrow.']);
      expect(r.grades[0]).toMatchObject({ grader: 'quality' });
      expect(r.grades[0]?.error).toBeUndefined();
    }
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 5],
      [2, 'agent', 5],
      [2, 'judge', 5],
    ]);
    // Every batch was polled until it ended: 2 pending polls, the one that saw it end, and the retrieve before reading its results.
    for (const b of llm.batches.values()) expect(b.polls).toBe(4);
    expect(llm.requests.filter((r) => r.path === '/v1/chat/completions' || r.path === '/v1/messages')).toHaveLength(0);
  }, 60_000);
});

describe('batch failures', () => {
  it('sends items that failed on the provider side again in the next round, then records them as errors with the cause', async () => {
    // 2 items of the first agent batch fail, and fail again when sent in round 2: with maxRetries 1 they are errors.
    llm.setBatchFaults({ failItems: 4, failMatch: { lastUser: /case-000[01]\b/ } });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 4, turns: 1, baseURL: llm.openaiBaseURL, maxRetries: 1 });
    const { run, exitCode, failure } = await runProject(dir, 'partial', { batch: true });
    expect(exitCode).toBe(3);
    expect(failure).toBe('2 of 4 conversations errored (failOnError tolerates none)');
    const failed = run.results.filter((r) => r.error).map((r) => r.caseId).sort();
    expect(failed).toEqual(['case-0000', 'case-0001']);
    for (const r of run.results.filter((x) => x.error)) {
      expect(r.error?.code).toBe('E_PROVIDER');
      expect(r.error?.message).toMatch(/openai gpt-4o-mini: batch batch_\d+: HTTP 500: The server had an error while processing your request\. \(sent in 2 batches, batch\.maxRetries 1\)/);
      expect(r.grades).toEqual([]);
    }
    for (const r of run.results.filter((x) => !x.error)) expect(r.grades[0]?.score).not.toBeNull();
    // round 1: 4 agent items, then the judge of the 2 answered; round 2: the 2 retried agent items (failed again: no judge).
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 4],
      [1, 'judge', 2],
      [2, 'agent', 2],
    ]);
  }, 60_000);

  it('an item that fails once is answered in the next round', async () => {
    llm.setBatchFaults({ failItems: 1 });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 3, turns: 1, baseURL: llm.anthropicBaseURL, provider: 'anthropic' });
    const { run, exitCode } = await runProject(dir, 'once', { batch: true });
    expect(exitCode).toBe(0);
    expect(run.results.every((r) => !r.error && r.grades[0]?.error === undefined)).toBe(true);
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 3],
      [1, 'judge', 2],
      [2, 'agent', 1],
      [2, 'judge', 1],
    ]);
  }, 60_000);

  it.each(['openai', 'anthropic'] as const)('%s: an expired batch is sent again; with no retries left its items are errors saying it expired', async (provider) => {
    llm.setBatchFaults({ expireBatches: 1 });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const baseURL = provider === 'openai' ? llm.openaiBaseURL : llm.anthropicBaseURL;
    const retried = await runProject(await batchProject({ cases: 2, turns: 1, baseURL, provider }), 'expired', { batch: true });
    expect(retried.exitCode).toBe(0);
    expect(retried.run.batches.map((b) => [b.round, b.role])).toEqual([
      [1, 'agent'],
      [2, 'agent'],
      [2, 'judge'],
    ]);

    llm.setBatchFaults({ expireBatches: 1 });
    const failed = await runProject(await batchProject({ cases: 2, turns: 1, baseURL, provider, maxRetries: 0 }), 'expired', { batch: true });
    expect(failed.exitCode).toBe(3);
    for (const r of failed.run.results) {
      expect(r.error?.code).toBe('E_PROVIDER');
      expect(r.error?.message).toMatch(provider === 'openai' ? /batch_expired: This request could not be executed before the completion window expired/ : /expired before the request ran \(not processed within 24 hours\)/);
    }
  }, 60_000);
});

describe('batch cost and rounds', () => {
  it('costs exactly half of the same run made interactively (same tokens)', async () => {
    llm.setScript([{ match: { judge: false }, reply: { text: 'Your order ships tomorrow.' } }]);
    const dir = await batchProject({ cases: 6, turns: 2, baseURL: llm.openaiBaseURL });
    const interactive = await runProject(dir, 'interactive', { batch: false });
    const batch = await runProject(dir, 'batch', { batch: true });
    expect([interactive.exitCode, batch.exitCode]).toEqual([0, 0]);
    const sum = (results: RunResult[], key: 'costUsd' | 'judgeCostUsd') => results.reduce((a, r) => a + (r[key] ?? Number.NaN), 0);
    const tokens = (results: RunResult[]) => results.map((r) => [r.caseId, r.usage, r.judgeUsage]).sort();
    expect(tokens(batch.run.results)).toEqual(tokens(interactive.run.results));
    expect(sum(interactive.run.results, 'costUsd')).toBeGreaterThan(0);
    expect(sum(batch.run.results, 'costUsd')).toBeCloseTo(sum(interactive.run.results, 'costUsd') / 2, 12);
    expect(sum(batch.run.results, 'judgeCostUsd')).toBeCloseTo(sum(interactive.run.results, 'judgeCostUsd') / 2, 12);
    const kpis = (r: typeof batch) => r.run.summaryLine?.summary?.variants[0]?.kpis;
    expect(kpis(batch)?.totalCostUsd).toBeCloseTo((kpis(interactive)?.totalCostUsd ?? Number.NaN) / 2, 12);
    expect(kpis(batch)?.totalJudgeCostUsd).toBeCloseTo((kpis(interactive)?.totalJudgeCostUsd ?? Number.NaN) / 2, 12);
    expect(interactive.run.batches).toEqual([]);
  }, 60_000);

  it('200 three-turn cases with a conversation judge: 3 rounds, the judge batch in the last (4 batch requests)', async () => {
    llm.setScript([{ match: { judge: false }, reply: { text: 'Your order ships tomorrow.' } }]);
    const dir = await batchProject({ cases: 200, turns: 3, baseURL: llm.openaiBaseURL });
    const { run, exitCode } = await runProject(dir, 'big', { batch: true });
    expect(exitCode).toBe(0);
    expect(run.results).toHaveLength(200);
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 200],
      [2, 'agent', 200],
      [3, 'agent', 200],
      [3, 'judge', 200],
    ]);
    // Batch requests on the wire: one file upload and one batch creation per batch, no interactive call.
    expect(llm.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batches')).toHaveLength(4);
    expect(llm.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
  }, 120_000);
});

describe('batch --resume', () => {
  it('Ctrl-C while a batch is pending: the record is interrupted and keeps the batch id', async () => {
    llm.setBatchFaults({ pendingPolls: 1_000_000 });
    const dir = await batchProject({ cases: 2, turns: 2, baseURL: llm.anthropicBaseURL, provider: 'anthropic' });
    const before = new Set(llm.batches.keys());
    const fresh = () => [...llm.batches.values()].filter((b) => !before.has(b.id));
    const controller = new AbortController();
    const running = runProject(dir, 'ctrl-c', { batch: true, signal: controller.signal });
    const deadline = Date.now() + 30_000;
    while ((fresh()[0]?.polls ?? 0) < 2 && Date.now() < deadline) await sleep(10);
    controller.abort(new Error('interrupted'));
    const { run, exitCode } = await running;
    expect(exitCode).toBe(3);
    expect(run.status).toBe('interrupted');
    expect(run.results).toHaveLength(0);
    expect(run.batches.map((b) => [b.id, b.provider, b.role, b.items.length])).toEqual([[fresh()[0]?.id, 'anthropic', 'agent', 2]]);
  }, 60_000);

  it('after a SIGKILL with a pending batch, reads that batch instead of submitting (and paying) again', async () => {
    llm.setBatchFaults({ pendingPolls: 1_000_000 });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 3, turns: 2, baseURL: llm.openaiBaseURL });
    const first = join(dir, 'runs/first.jsonl');
    const before = new Set(llm.batches.keys());
    const child = spawnCli(['run', '--batch', '--progress', 'none', '--out', first], { cwd: dir, cleanEnv: true, env });
    const deadline = Date.now() + 60_000;
    while (!(await readFile(first, 'utf8').catch(() => '')).includes('"type":"batch"') && Date.now() < deadline) await sleep(20);
    // Polled at least once, so the batch is known to be pending when the run dies.
    while (([...llm.batches.values()].find((b) => !before.has(b.id))?.polls ?? 0) < 2 && Date.now() < deadline) await sleep(20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killed = await readRunAll(first);
    expect(killed.status).toBe('incomplete');
    expect(killed.results).toHaveLength(0);
    expect(killed.batches).toHaveLength(1);
    const pending = killed.batches[0]!;
    expect(llm.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batches')).toHaveLength(1);

    llm.reset();
    llm.setBatchFaults({});
    const resumed = await runProject(dir, 'second', { batch: true, resume: first });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.run.results).toHaveLength(3);
    expect(resumed.run.batches.map((b) => [b.round, b.role, b.id === pending.id, b.resumed === true])).toEqual([
      [1, 'agent', true, true],
      [2, 'agent', false, false],
      [2, 'judge', false, false],
    ]);
    // The first turn's batch was read (status + output file), not sent: only turn 2 and the judge were submitted.
    expect(llm.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batches')).toHaveLength(2);
    expect(llm.requests.some((r) => r.path === `/v1/batches/${pending.id}`)).toBe(true);
  }, 120_000);
});

describe('batch budget, dry run and progress', () => {
  it('estimates each round against --max-cost before sending it: a round that does not fit is not sent', async () => {
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 4, turns: 2, baseURL: llm.openaiBaseURL });
    // 4 first-turn requests of ~30 input tokens at $0.075 per 1M (gpt-4o-mini batch input): ~$0.00001.
    const { run, exitCode, failure } = await runProject(dir, 'budget', { batch: true, maxCost: 0.000001 });
    expect(exitCode).toBe(3);
    expect(failure).toMatch(/^budget of \$0.000001 reached/);
    expect(run.status).toBe('budget');
    expect(run.results).toHaveLength(0);
    expect(run.batches).toHaveLength(0);
    expect(llm.requests).toHaveLength(0);
  }, 60_000);

  it('--dry-run --batch prices the model variant and the judge at the batch price', async () => {
    const dir = await batchProject({ cases: 2, turns: 2, baseURL: llm.openaiBaseURL });
    const env = { OPENAI_API_KEY: 'test-key' };
    const [plain, batch] = await Promise.all([prepareRun({ cwd: dir, env }), prepareRun({ cwd: dir, env, batch: true })]).then((p) => p.map(estimateRun));
    expect(formatDryRun(batch!)).toContain('nothing was called (batch prices for model variants and the judge)');
    const half = (r: { low: number; high: number } | null | undefined) => r && { low: r.low / 2, high: r.high / 2 };
    expect(plain!.rows[0]?.costUsd?.high).toBeGreaterThan(0);
    expect(batch!.rows[0]?.costUsd).toEqual(half(plain!.rows[0]?.costUsd));
    expect(batch!.judge?.costUsd).toEqual(half(plain!.judge?.costUsd));
  });

  it('shows each batch on the progress line', () => {
    const base = { round: 2, id: 'batch_7', provider: 'openai', model: 'gpt-4o-mini', role: 'agent' as const, name: 'bot', items: 200 };
    expect(formatBatchEvent({ ...base, kind: 'submitted' })).toBe('round 2 · agent bot (openai gpt-4o-mini) · batch_7 · 200 requests submitted');
    expect(formatBatchEvent({ ...base, kind: 'pending', state: 'in_progress', finished: 120, nextPollMs: 30_000 })).toBe(
      'round 2 · agent bot (openai gpt-4o-mini) · batch_7 · in_progress 120/200 · next poll in 30s',
    );
    expect(formatBatchEvent({ ...base, role: 'judge', name: 'judge', kind: 'ended', answered: 197, failed: 1, retried: 2 })).toBe(
      'round 2 · judge (openai gpt-4o-mini) · batch_7 · ended: 197 answered, 1 failed, 2 sent again next round',
    );
    expect(formatBatchEvent({ ...base, kind: 'resumed', items: 1 })).toBe("round 2 · agent bot (openai gpt-4o-mini) · batch_7 · 1 request read from the resumed run's batch (not sent again)");
  });
});
