import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { batchProject } from './batch-project.js';
import { runCli } from './helpers/cli.js';
import { useFakeLlm } from './fake-llm/use.js';

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
