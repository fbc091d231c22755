import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { batchProject } from './batch-project.js';
import { runCli } from './helpers/cli.js';
import { useFakeLlm } from './fake-llm/use.js';
import { runProject } from './batch-run.js';

const llm = useFakeLlm({}, { resetEach: true });
const env = { OPENAI_API_KEY: 'test-key', ANTHROPIC_API_KEY: 'test-key' };

describe('run --batch', () => {
  it.each(['openai', 'anthropic'] as const)('%s: submit → poll → results, one agent batch per turn and one judge batch', async (provider) => {
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
      [3, 'judge', 5],
    ]);
    // Every batch was polled until it ended: 2 pending polls + the one that saw it end (Anthropic's results call retrieves once more).
    for (const b of llm.batches.values()) expect(b.polls).toBe(provider === 'openai' ? 4 : 4);
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
    // round 1: 4 agent items; round 2: the 2 retried agent items and the 2 judge items; round 3: nothing left.
    expect(run.batches.map((b) => [b.round, b.role, b.items.length])).toEqual([
      [1, 'agent', 4],
      [2, 'agent', 2],
      [2, 'judge', 2],
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
      [2, 'agent', 1],
      [2, 'judge', 2],
      [3, 'judge', 1],
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
      [3, 'judge'],
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
