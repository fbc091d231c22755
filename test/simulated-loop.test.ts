import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { executeRun } from '../src/runner/execute.js';
import { prepareRun, type RunRequest } from '../src/runner/prepare.js';
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

/** A run in this process (faster than the CLI; the CLI is covered by the first test). */
async function runHere(dir: string, request: Partial<RunRequest> = {}) {
  const prepared = await prepareRun({ cwd: dir, env, cache: false, outPath: join(dir, 'runs', `h${Math.random().toString(36).slice(2)}.jsonl`), ...request });
  const warnings: string[] = [];
  const { outcome, exitCode } = await executeRun(prepared, { reporters: [], signal: new AbortController().signal, warn: (w) => warnings.push(w) });
  return { outcome, exitCode, warnings, run: await readRunAll(outcome.path) };
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

describe('the conversation ends', () => {
  it('when an agent reply contains a stop phrase', async () => {
    llm.setScript([customer, ...agent]);
    const dir = await simulatedProject({ golden: refundCase('      stop_phrases: [Refund Is Issued]\n'), baseURL: llm.openaiBaseURL });
    const { exitCode, run } = await runHere(dir);
    expect(exitCode).toBe(0);
    const r = only(run.results);
    expect(r.simulation).toMatchObject({ endReason: 'stop_phrase', turns: 2 });
    expect(r.transcript.at(-1)).toMatchObject({ role: 'assistant', content: 'Thanks. Your refund is issued for order VL-1001.' });
    // The simulator is not asked again once the phrase is seen.
    expect(simulatorRequests()).toHaveLength(2);
  }, 60_000);

  it('after max_turns customer messages, without asking the simulator once more', async () => {
    llm.setScript([customerRule([{ opening: 'Hello?', otherwise: 'Hello? Anyone?' }]), { match: { system: AGENT_SYSTEM }, reply: { text: 'Could you tell me more?' } }]);
    const dir = await simulatedProject({ golden: refundCase('      max_turns: 3\n'), baseURL: llm.openaiBaseURL });
    const { exitCode, run } = await runHere(dir);
    expect(exitCode).toBe(0);
    const r = only(run.results);
    expect(r.simulation).toMatchObject({ endReason: 'max_turns', turns: 3 });
    expect(r.transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(simulatorRequests()).toHaveLength(3);
    expect(llm.counts.requests).toBe(6);
  }, 60_000);

  it('when the agent hands over to a human (a handoff phrase or a handoff tool call)', async () => {
    llm.setScript([customer, { match: { system: AGENT_SYSTEM }, reply: { text: "I'm transferring you to a human agent now." } }]);
    const dir = await simulatedProject({ golden: refundCase(), baseURL: llm.openaiBaseURL });
    const phrase = only((await runHere(dir)).run.results);
    expect(phrase.simulation).toMatchObject({ endReason: 'escalation', turns: 1 });

    llm.setScript([customer, { match: { system: AGENT_SYSTEM, afterTool: false }, reply: { toolCalls: [{ name: 'transfer_to_human', arguments: {} }] } }, { match: { system: AGENT_SYSTEM }, reply: { text: 'A colleague will take over.' } }]);
    const golden = refundCase('    expect:\n      outcome: escalated\n      tools: [{ name: transfer_to_human }]\n');
    const tool = only((await runHere(await simulatedProject({ golden, baseURL: llm.openaiBaseURL }))).run.results);
    expect(tool.simulation).toMatchObject({ endReason: 'escalation', turns: 1 });
    expect(tool.transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  }, 60_000);

  it('on a simulator error, recorded as the result\'s error with its cause, never as a failing grade', async () => {
    llm.setScript([customer, ...agent]);
    llm.setFaults([{ kind: 'server_error', match: { system: SIMULATOR_MARKER } }]);
    const dir = await simulatedProject({ golden: refundCase('    expect: { must_match: [refund] }\n'), baseURL: llm.openaiBaseURL, extraConfig: 'defaultGraders: [rules]\n' });
    const { exitCode, outcome, run } = await runHere(dir);
    const r = only(run.results);
    expect(r.error).toMatchObject({ code: 'E_SIMULATOR', turn: 0 });
    expect(r.error!.message).toMatch(/^simulator openai:gpt-4o-mini failed \(E_PROVIDER\): .*HTTP 500/);
    expect(r.simulation).toMatchObject({ endReason: 'simulator_error', turns: 0 });
    expect(r.grades).toEqual([]);
    expect(run.summaryLine?.summary?.errors).toBe(1);
    // Errored conversations are the run's failure (failOnError tolerates none by default), not a gate fail.
    expect(exitCode).toBe(3);
    expect(outcome.failure).toBe('1 of 1 conversations errored (failOnError tolerates none)');
  }, 60_000);

  it('on an agent error, with what was said so far', async () => {
    llm.setScript([customer, ...agent]);
    llm.setFaults([{ kind: 'server_error', match: { system: AGENT_SYSTEM, lastUser: 'VL-1001' } }]);
    const dir = await simulatedProject({ golden: refundCase(), baseURL: llm.openaiBaseURL, extraConfig: 'failOnError: false\n' });
    const { exitCode, run } = await runHere(dir);
    expect(exitCode).toBe(0);
    const r = only(run.results);
    expect(r.error).toMatchObject({ code: 'E_PROVIDER', turn: 1 });
    expect(r.simulation).toMatchObject({ endReason: 'agent_error', turns: 2 });
    expect(r.transcript.map((m) => m.content)).toEqual(['My kettle arrived broken, I want my money back.', 'Sorry to hear that. What is your order number?', 'It is VL-1001.']);
  }, 60_000);
});

describe('simulated and scripted cases', () => {
  it('mix in one golden set and one run, and graders grade both', async () => {
    llm.setScript([customer, ...agent]);
    const golden = `${refundCase('    expect: { must_match: [refund is issued], outcome: resolved }\n')}
  - id: scripted
    tags: { intent: refund }
    turns:
      - user: My kettle arrived broken, I want my money back.
      - user: It is VL-1001.
    expect: { must_match: [refund is issued] }
`;
    const dir = await simulatedProject({ golden, baseURL: llm.openaiBaseURL, extraConfig: 'defaultGraders: [rules, resolution]\n' });
    const { exitCode, run } = await runHere(dir);
    expect(exitCode).toBe(0);
    const byId = Object.fromEntries(run.results.map((r) => [r.caseId, r]));
    expect(byId['refund']!.mode).toBe('simulated');
    expect(byId['scripted']!.mode).toBe('replay');
    expect(byId['scripted']!.simulation).toBeUndefined();
    for (const r of run.results) {
      expect(r.grades.find((g) => g.grader === 'rules')).toMatchObject({ pass: true });
      expect(r.grades.find((g) => g.grader === 'resolution')?.error).toBeUndefined();
    }
    const kpis = run.summaryLine!.summary!.variants[0]!.kpis;
    expect(kpis.totalSimulatorCostUsd).toBeCloseTo(byId['refund']!.simulation!.costUsd!, 12);
    expect(kpis.totalCostUsd).toBeCloseTo(byId['refund']!.costUsd! + byId['scripted']!.costUsd!, 12);
  }, 60_000);
});

describe('the simulator in the run', () => {
  it('is recorded in the header and its calls count in --max-cost', async () => {
    llm.setScript([customer, ...agent]);
    const dir = await simulatedProject({ golden: refundCase(), baseURL: llm.openaiBaseURL });
    const prepared = await prepareRun({ cwd: dir, env, cache: false, maxCost: 10, outPath: join(dir, 'runs/budget.jsonl') });
    const { exitCode } = await executeRun(prepared, { reporters: [], signal: new AbortController().signal, warn: () => {} });
    expect(exitCode).toBe(0);
    const run = await readRunAll(join(dir, 'runs/budget.jsonl'));
    expect(run.header.simulator).toEqual({ provider: 'openai', model: 'gpt-4o-mini', temperature: 0.7, seed: 7, stopToken: '###STOP###' });
    const r = only(run.results);
    expect(prepared.budget!.spent).toBeCloseTo(r.costUsd! + r.simulation!.costUsd!, 15);
  }, 60_000);

  it('is refused by the budget like any call: the run stops with status budget and nothing half-done recorded', async () => {
    llm.setScript([customer, ...agent]);
    const dir = await simulatedProject({ golden: refundCase(), baseURL: llm.openaiBaseURL });
    // Less than the simulator's first request costs (its prompt alone is ~300 tokens).
    const { exitCode, outcome, run } = await runHere(dir, { maxCost: 0.000001 });
    expect(exitCode).toBe(3);
    expect(outcome.status).toBe('budget');
    expect(run.results).toEqual([]);
    expect(llm.counts.requests).toBe(0);
  }, 60_000);
});
