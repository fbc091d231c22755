import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { executeRun } from '../src/runner/execute.js';
import { prepareRun } from '../src/runner/prepare.js';
import { type FaultKind } from './fake-llm/server.js';
import { syntheticProject } from './helpers/golden.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: false });

const KINDS: FaultKind[] = ['rate_limit', 'server_error', 'overloaded', 'timeout', 'malformed', 'drop'];

describe.each(['openai', 'anthropic'] as const)('a 200-case run with 20 %% injected faults of every kind (%s)', (provider) => {
  it('finishes every case or records its error with the cause; none lost or duplicated; retries bounded', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'Here is the answer.' } }]);
    // 20 % of requests fail, split evenly over the six kinds (seeded, so the run is repeatable).
    llm.setFaults(KINDS.map((kind, i) => ({ kind, probability: 0.2 / KINDS.length, seed: 11 + i, retryAfter: 0, retryAfterMs: 5, hangMs: 4_000 })));
    const maxRetries = 2;
    const dir = await syntheticProject({
      cases: 200,
      turns: 2,
      provider,
      timeoutMs: 300,
      baseURL: provider === 'openai' ? llm.openaiBaseURL : llm.anthropicBaseURL,
      extraConfig: 'concurrency: { agent: 16, judge: 4 }\ncache: false\n',
    });
    const prepared = await prepareRun({
      cwd: dir,
      env: { OPENAI_API_KEY: 'test-key', ANTHROPIC_API_KEY: 'test-key' },
      outPath: join(dir, 'runs/faults.jsonl'),
    });
    expect(prepared.variants.map((v) => v.name)).toEqual(['bot']);
    const { outcome } = await executeRun(prepared, { reporters: [], signal: new AbortController().signal, warn: () => {} });
    expect(outcome.status).toBe('complete');

    const run = await readRunAll(outcome.path);
    const ids = run.results.map((r) => r.caseId).sort();
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    const failed = run.results.filter((r) => r.error);
    const finished = run.results.filter((r) => !r.error);
    expect(finished.length).toBeGreaterThan(100);
    for (const r of finished) expect(r.transcript.filter((m) => m.role === 'assistant')).toHaveLength(2);
    for (const r of failed) {
      expect(r.error!.code).toMatch(/^E_(PROVIDER|TIMEOUT)$/);
      expect(r.error!.message).toMatch(new RegExp(provider, 'i'));
      expect(r.grades).toEqual([]);
    }
    // Every logical call made at most 1 + maxRetries requests.
    const logicalCalls = run.results.reduce((n, r) => n + r.transcript.filter((m) => m.role === 'assistant').length + (r.error ? 1 : 0), 0);
    const counts = llm.counts;
    expect(counts.requests).toBeGreaterThan(logicalCalls);
    expect(counts.requests).toBeLessThanOrEqual(logicalCalls * (1 + maxRetries));
    for (const kind of KINDS) expect(counts.byOutcome[kind] ?? 0, kind).toBeGreaterThan(0);
  }, 120_000);
});
