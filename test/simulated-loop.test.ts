import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import type { RunResult } from '../src/schema/run-record.js';
import { SIMULATOR_MARKER } from '../src/simulator/prompt.js';
import { runCli } from './helpers/cli.js';
import { AGENT_SYSTEM, simulatedProject } from './helpers/simulated.js';
import { customerRule } from './fake-llm/customer.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({}, { resetEach: true });
const env = { OPENAI_API_KEY: 'test-key' };

const refundCase = (extra = '') => `cases:
  - id: refund
    tags: { intent: refund }
    user:
      goal: Get a refund for the broken kettle of order VL-1001.
      facts: { order_id: VL-1001 }
${extra}`;

/** The customer: opens, gives the order number when asked, thanks and stops once refunded. */
const customer = customerRule([
  {
    opening: 'My kettle arrived broken, I want my money back.',
    replies: [
      { when: 'order number', say: 'It is VL-1001.' },
      { when: 'refund is issued', say: 'Great, thank you! ###STOP###' },
    ],
    otherwise: 'Sorry, what do you mean?',
  },
]);

/** The agent: asks for the order number, then refunds. */
const agent = [
  { name: 'agent-ask', match: { system: AGENT_SYSTEM, lastUser: 'money back' }, reply: { text: 'Sorry to hear that. What is your order number?' } },
  { name: 'agent-refund', match: { system: AGENT_SYSTEM, lastUser: 'VL-1001' }, reply: { text: 'Thanks. Your refund is issued for order VL-1001.' } },
  { name: 'agent-other', match: { system: AGENT_SYSTEM }, reply: { text: 'Could you tell me more?' } },
];

async function run(dir: string, args: string[] = []) {
  const out = join(dir, 'runs', `r${Math.random().toString(36).slice(2)}.jsonl`);
  const result = await runCli(['run', '--progress', 'none', '--out', out, ...args], { cwd: dir, cleanEnv: true, env });
  return { ...result, out, run: result.code === 2 ? undefined : await readRunAll(out) };
}

const simulatorRequests = () => llm.requests.filter((r) => JSON.stringify(r.body).includes(SIMULATOR_MARKER.slice(0, 40)));
const only = (results: readonly RunResult[]) => {
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe('a simulated customer', () => {
  it('talks with the agent until it writes the stop token, and keeps its closing words', async () => {
    llm.setScript([customer, ...agent]);
    const dir = await simulatedProject({ golden: refundCase(), baseURL: llm.openaiBaseURL });
    const { code, stderr, run: record } = await run(dir, ['--no-cache']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = only(record!.results);
    expect(r.mode).toBe('simulated');
    expect(r.transcript.map((m) => [m.role, m.content, m.simulated ?? false])).toEqual([
      ['user', 'My kettle arrived broken, I want my money back.', true],
      ['assistant', 'Sorry to hear that. What is your order number?', false],
      ['user', 'It is VL-1001.', true],
      ['assistant', 'Thanks. Your refund is issued for order VL-1001.', false],
      ['user', 'Great, thank you!', true],
    ]);
    expect(r.simulation).toMatchObject({ goal: 'Get a refund for the broken kettle of order VL-1001.', simulator: 'openai:gpt-4o-mini', turns: 2, endReason: 'stop' });
    expect(r.simulation!.usage.input).toBeGreaterThan(0);
    expect(r.simulation!.costUsd).toBeGreaterThan(0);
    // The agent's usage and cost are its own: the simulator's are apart.
    expect(r.usage.input).toBe(r.transcript.filter((m) => m.role === 'assistant').reduce((n, m) => n + (m.usage?.input ?? 0), 0));
    expect(simulatorRequests()).toHaveLength(3);
    expect(llm.counts.byRule).toMatchObject({ customer: 3, 'agent-ask': 1, 'agent-refund': 1 });
    // Roles flipped: the simulator sees the agent's replies as its user messages.
    const last = simulatorRequests().at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.at(-1)).toEqual({ role: 'user', content: 'Thanks. Your refund is issued for order VL-1001.' });
    expect(last.messages.at(-2)).toEqual({ role: 'assistant', content: 'It is VL-1001.' });
    expect(last.messages[0]!.content).toContain('order_id: VL-1001');
  }, 60_000);
});
