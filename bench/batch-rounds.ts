/**
 * Batch-mode bench: `npx tsx bench/batch-rounds.ts [--cases 200] [--turns 3] [--provider openai|anthropic] [--graders reply-quality,quality]`.
 *
 * Runs `--cases` replayed cases of `--turns` user turns with one `model` variant and, by default,
 * an LLM rubric judging each reply (`reply-quality`, scope: turn; add `quality` for a
 * whole-conversation rubric too) through `run --batch` against the loopback fake LLM server
 * (batch endpoints, no fault), then the same run interactively, and prints: the rounds, the
 * provider batches per round and role, the batch create requests seen by the server, and the
 * recorded cost of both runs (the batch run's is half: the provider batch discount). Wall times
 * are printed beside the load average (the machine is shared).
 */
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { batchProject } from '../test/batch-project.js';
import { runProject } from '../test/batch-run.js';
import { startFakeLlm } from '../test/fake-llm/server.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    turns: { type: 'string', default: '3' },
    provider: { type: 'string', default: 'openai' },
    graders: { type: 'string', default: 'reply-quality' },
  },
});
const graders = values.graders.split(',').map((g) => g.trim()) as Array<'quality' | 'reply-quality'>;
const cases = Number(values.cases);
const turns = Number(values.turns);
const provider = values.provider === 'anthropic' ? 'anthropic' : 'openai';

const llm = await startFakeLlm({ script: [{ match: { judge: false }, reply: { text: 'Your order ships tomorrow.' } }] });
const dir = await batchProject({ cases, turns, provider, graders, baseURL: provider === 'openai' ? llm.openaiBaseURL : llm.anthropicBaseURL });
try {
  let started = performance.now();
  const batch = await runProject(dir, 'batch', { batch: true });
  const batchMs = performance.now() - started;
  const requests = llm.requests.filter((r) => r.method === 'POST' && (r.path === '/v1/batches' || r.path === '/v1/messages/batches')).length;
  const interactiveCalls = llm.requests.filter((r) => r.path === '/v1/chat/completions' || r.path === '/v1/messages').length;
  const rounds = new Map<number, string[]>();
  for (const b of batch.run.batches) rounds.set(b.round, [...(rounds.get(b.round) ?? []), `${b.role} batch of ${b.items.length}`]);
  llm.reset();
  started = performance.now();
  const interactive = await runProject(dir, 'interactive', { batch: false });
  const interactiveMs = performance.now() - started;
  const cost = (r: typeof batch) => r.run.results.reduce((a, x) => a + (x.costUsd ?? 0) + (x.judgeCostUsd ?? 0), 0);

  const errors = batch.run.results.filter((r) => r.error || r.grades.some((g) => g.error)).length;
  console.log(`${cases} cases × ${turns} turns, ${provider}, graders ${graders.join(', ')}; exit ${batch.exitCode} (batch) / ${interactive.exitCode} (interactive), ${batch.run.results.length} results, ${errors} with an error`);
  console.log(`rounds: ${rounds.size}`);
  for (const [round, list] of rounds) console.log(`  round ${round}: ${list.length} batch requests (${list.join(', then ')})`);
  console.log(`provider batches: ${batch.run.batches.length} (batch create requests on the wire: ${requests}, interactive calls: ${interactiveCalls})`);
  console.log(`recorded cost: batch $${cost(batch).toFixed(6)}, interactive $${cost(interactive).toFixed(6)}, ratio ${(cost(batch) / cost(interactive)).toFixed(4)}`);
  console.log(`wall: batch ${batchMs.toFixed(0)} ms, interactive ${interactiveMs.toFixed(0)} ms (load average ${loadavg()[0]?.toFixed(1)})`);
} finally {
  await llm.close();
  await rm(dir, { recursive: true, force: true });
}
