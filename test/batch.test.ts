import { getEventListeners } from 'node:events';
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

  it('a judge item that fails is sent again in the judge batch of the next round, then is an error grade naming the reply; the conversation goes on', async () => {
    // case-0000's first reply judge call fails in round 1 and again in round 2 (maxRetries 1).
    llm.setBatchFaults({ failItems: 2, failMatch: { judge: true, lastUser: /case-0000\b/ } });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 2, turns: 2, baseURL: llm.openaiBaseURL, maxRetries: 1, graders: ['reply-quality'] });
    const { run, exitCode } = await runProject(dir, 'judge-fail', { batch: true });
    expect(exitCode).toBe(0);
    // case-0000 lags a round behind case-0001 while its judge call is sent again.
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 2],
      [1, 'judge', 2],
      [2, 'agent', 1],
      [2, 'judge', 2],
      [3, 'agent', 1],
      [3, 'judge', 1],
    ]);
    const [failed, ok] = [...run.results].sort((a, b) => a.caseId.localeCompare(b.caseId));
    expect(failed?.error).toBeUndefined();
    expect(failed?.transcript.filter((m) => m.role === 'assistant')).toHaveLength(2);
    expect(failed?.grades[0]).toMatchObject({ grader: 'reply-quality', score: null, pass: null });
    expect(failed?.grades[0]?.error?.message).toMatch(/^reply #1: openai gpt-4o-mini: batch batch_\d+: HTTP 500: .* \(sent in 2 batches, batch\.maxRetries 1\)$/);
    expect(ok?.grades[0]).toMatchObject({ grader: 'reply-quality', pass: true, turns: [{ turn: 1 }, { turn: 3 }] });
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
  it('costs exactly half of the same run made interactively (same tokens), with the same grades (reply rubric graded turn by turn)', async () => {
    llm.setScript([{ match: { judge: false }, reply: { text: 'Your order ships tomorrow.' } }]);
    const dir = await batchProject({ cases: 6, turns: 2, baseURL: llm.openaiBaseURL, graders: ['quality', 'reply-quality'] });
    const interactive = await runProject(dir, 'interactive', { batch: false });
    const batch = await runProject(dir, 'batch', { batch: true });
    expect([interactive.exitCode, batch.exitCode]).toEqual([0, 0]);
    const sum = (results: RunResult[], key: 'costUsd' | 'judgeCostUsd') => results.reduce((a, r) => a + (r[key] ?? Number.NaN), 0);
    const tokens = (results: RunResult[]) => results.map((r) => [r.caseId, r.usage, r.judgeUsage]).sort();
    expect(tokens(batch.run.results)).toEqual(tokens(interactive.run.results));
    const grades = (results: RunResult[]) =>
      results.map((r) => [r.caseId, r.grades.map((g) => [g.grader, g.score, g.pass, g.turns?.map((t) => [t.turn, t.score]), g.usage, g.error])]).sort();
    expect(grades(batch.run.results)).toEqual(grades(interactive.run.results));
    // reply-quality judged both replies of every case (transcript indexes 1 and 3).
    for (const r of batch.run.results) expect(r.grades.find((g) => g.grader === 'reply-quality')?.turns?.map((t) => t.turn)).toEqual([1, 3]);
    expect(sum(interactive.run.results, 'costUsd')).toBeGreaterThan(0);
    expect(sum(batch.run.results, 'costUsd')).toBeCloseTo(sum(interactive.run.results, 'costUsd') / 2, 12);
    expect(sum(batch.run.results, 'judgeCostUsd')).toBeCloseTo(sum(interactive.run.results, 'judgeCostUsd') / 2, 12);
    const kpis = (r: typeof batch) => r.run.summaryLine?.summary?.variants[0]?.kpis;
    expect(kpis(batch)?.totalCostUsd).toBeCloseTo((kpis(interactive)?.totalCostUsd ?? Number.NaN) / 2, 12);
    expect(kpis(batch)?.totalJudgeCostUsd).toBeCloseTo((kpis(interactive)?.totalJudgeCostUsd ?? Number.NaN) / 2, 12);
    expect(interactive.run.batches).toEqual([]);
  }, 60_000);

  it('200 three-turn cases with a rubric per reply: 3 rounds of 2 batch requests (agent, then judge)', async () => {
    llm.setScript([{ match: { judge: false }, reply: { text: 'Your order ships tomorrow.' } }]);
    const dir = await batchProject({ cases: 200, turns: 3, baseURL: llm.openaiBaseURL, graders: ['reply-quality'] });
    const { run, exitCode } = await runProject(dir, 'big', { batch: true });
    expect(exitCode).toBe(0);
    expect(run.results).toHaveLength(200);
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 200],
      [1, 'judge', 200],
      [2, 'agent', 200],
      [2, 'judge', 200],
      [3, 'agent', 200],
      [3, 'judge', 200],
    ]);
    for (const r of run.results) {
      const grade = r.grades[0]!;
      expect([grade.grader, grade.error, grade.turns?.map((t) => t.turn)]).toEqual(['reply-quality', undefined, [1, 3, 5]]);
    }
    // Batch requests on the wire: one file upload and one batch creation per batch, no interactive call.
    expect(llm.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batches')).toHaveLength(6);
    expect(llm.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
  }, 120_000);

  it('a conversation judge joins the judge batch of the round its conversation ends in', async () => {
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    // case-0000 and case-0001 have one turn, case-0002 and case-0003 two.
    const dir = await batchProject({ cases: 4, turns: 2, turnsOf: (i) => (i < 2 ? 1 : 2), baseURL: llm.anthropicBaseURL, provider: 'anthropic', graders: ['quality', 'reply-quality'] });
    const { run, exitCode } = await runProject(dir, 'ends', { batch: true });
    expect(exitCode).toBe(0);
    // Round 1's judge batch: 4 first replies and the 2 conversations that ended; round 2's: 2 second replies and 2 conversations.
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 4],
      [1, 'judge', 6],
      [2, 'agent', 2],
      [2, 'judge', 4],
    ]);
    for (const r of run.results) {
      expect(r.grades.map((g) => [g.grader, g.error])).toEqual([
        ['quality', undefined],
        ['reply-quality', undefined],
      ]);
      expect(r.grades[1]?.turns).toHaveLength(r.caseId < 'case-0002' ? 1 : 2);
    }
  }, 60_000);
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

  it('Ctrl-C while a judge batch is pending: --resume reads the agent and judge batches of round 1 and sends only round 2', async () => {
    // Batch 1 (round 1's agent batch) ends; batch 2 (round 1's judge batch) stays pending.
    llm.setBatchFaults({ pendingPolls: 1_000_000, pendingFrom: 2 });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 3, turns: 2, baseURL: llm.openaiBaseURL, graders: ['reply-quality'] });
    const before = new Set(llm.batches.keys());
    const judgeBatch = () => [...llm.batches.values()].filter((b) => !before.has(b.id))[1];
    const controller = new AbortController();
    const running = runProject(dir, 'judge-cut', { batch: true, signal: controller.signal });
    const deadline = Date.now() + 30_000;
    while ((judgeBatch()?.polls ?? 0) < 2 && Date.now() < deadline) await sleep(10);
    controller.abort(new Error('interrupted'));
    const cut = await running;
    expect(cut.exitCode).toBe(3);
    expect(cut.run.status).toBe('interrupted');
    expect(cut.run.results).toHaveLength(0);
    expect(cut.run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 3],
      [1, 'judge', 3],
    ]);
    expect(cut.run.batches[1]?.id).toBe(judgeBatch()?.id);

    llm.reset();
    llm.setBatchFaults({});
    const resumed = await runProject(dir, 'judge-resumed', { batch: true, resume: join(dir, 'runs/judge-cut.jsonl') });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.run.batches.map((b) => [b.round, b.role, b.resumed === true])).toEqual([
      [1, 'agent', true],
      [1, 'judge', true],
      [2, 'agent', false],
      [2, 'judge', false],
    ]);
    expect(resumed.run.batches.slice(0, 2).map((b) => b.id)).toEqual(cut.run.batches.map((b) => b.id));
    // Only round 2 was sent (and paid); round 1's judge answers were read from the interrupted run's batch.
    expect(llm.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batches')).toHaveLength(2);
    expect(llm.requests.some((r) => r.path === `/v1/batches/${cut.run.batches[1]?.id}`)).toBe(true);
    for (const r of resumed.run.results) {
      expect([r.grades[0]?.error, r.grades[0]?.turns?.map((t) => t.turn)]).toEqual([undefined, [1, 3]]);
      expect(r.judgeCostUsd).toBeGreaterThan(0);
    }
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

describe('batch signal', () => {
  it.each(['openai', 'anthropic'] as const)('%s: submits, polls and result reads leave no listener on the run signal (the SDKs never remove theirs)', async (provider) => {
    llm.setBatchFaults({ pendingPolls: 5 });
    llm.setScript([{ match: { judge: false }, reply: { text: 'Shipped.' } }]);
    const dir = await batchProject({ cases: 2, turns: 2, baseURL: provider === 'openai' ? llm.openaiBaseURL : llm.anthropicBaseURL, provider });
    const controller = new AbortController();
    const { exitCode } = await runProject(dir, 'listeners', { batch: true, signal: controller.signal });
    expect(exitCode).toBe(0);
    expect(llm.requests.length).toBeGreaterThan(20);
    // Only the rounds' own abort handler stays (one per run).
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  }, 60_000);
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

  it('--dry-run counts a judge call per reply for a rubric per reply', async () => {
    const dir = await batchProject({ cases: 2, turns: 3, baseURL: llm.openaiBaseURL, graders: ['quality', 'reply-quality'] });
    const estimate = estimateRun(await prepareRun({ cwd: dir, env: { OPENAI_API_KEY: 'test-key' }, batch: true }));
    // Per case: 1 whole-conversation call and 3 reply calls.
    expect(estimate.judge?.calls).toBe(8);
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
