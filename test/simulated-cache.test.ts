import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { SIMULATOR_MARKER } from '../src/simulator/prompt.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { AGENT_SYSTEM, simulatedProject } from './helpers/simulated.js';
import { customerRule } from './fake-llm/customer.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({}, { resetEach: true });
const env = { OPENAI_API_KEY: 'test-key' };

/**
 * `n` simulated cases: the customer opens with its order (so no two cases send the agent the same
 * conversation, which the cache would rightly answer once), answers two questions, then thanks the
 * agent and stops: 3 simulator calls and 3 agent calls per conversation.
 */
function golden(n: number, options: { firstMessage?: boolean } = {}): string {
  const cases = Array.from(
    { length: n },
    (_, i) => `  - id: sim-${String(i).padStart(2, '0')}
    tags: { intent: order-status }
    user:
      goal: Find out where order VL-${2000 + i} is.
      facts: { order_id: VL-${2000 + i} }
${options.firstMessage === false ? '' : `      first_message: Where is my order VL-${2000 + i}?\n`}`,
  );
  return `cases:\n${cases.join('')}`;
}

const customer = customerRule([
  {
    replies: [
      { when: 'order number', say: 'It is the one in my goal.' },
      { when: 'which carrier', say: 'I do not know the carrier.' },
      { when: 'on its way', say: 'Thanks! ###STOP###' },
    ],
  },
]);
const agent = [
  { match: { system: AGENT_SYSTEM, lastUser: 'where is my order' }, reply: { text: 'What is your order number?' } },
  { match: { system: AGENT_SYSTEM, lastUser: 'in my goal' }, reply: { text: 'Which carrier did you choose?' } },
  { match: { system: AGENT_SYSTEM }, reply: { text: 'Your order is on its way.' } },
];

const isSimulator = (body: unknown) => JSON.stringify(body).includes(SIMULATOR_MARKER.slice(0, 40));
const run = (dir: string, name: string, args: string[] = []) =>
  runCli(['run', '--progress', 'none', '--out', join(dir, 'runs', `${name}.jsonl`), ...args], { cwd: dir, cleanEnv: true, env });

describe('simulated customers and the cache', () => {
  it('replay exactly on a second run (no request reaches the model), and --cache-only works', async () => {
    llm.setScript([customer, ...agent]);
    const dir = await simulatedProject({ golden: golden(3), baseURL: llm.openaiBaseURL });
    const first = await run(dir, 'first');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Per case: the first message, 3 simulator calls (2 answers, then thanks + stop) and 3 agent replies.
    expect(llm.counts.requests).toBe(3 * 6);
    const recorded = await readRunAll(join(dir, 'runs/first.jsonl'));
    expect(recorded.results.every((r) => r.simulation?.endReason === 'stop' && r.simulation.turns === 3)).toBe(true);

    llm.reset();
    const second = await run(dir, 'second');
    expect(second.code).toBe(0);
    const cacheOnly = await run(dir, 'third', ['--cache-only']);
    expect(cacheOnly.code).toBe(0);
    expect(llm.counts.requests).toBe(0);
    const strip = (results: typeof recorded.results) =>
      Object.fromEntries(results.map((r) => [r.caseId, { hash: r.transcriptHash, transcript: r.transcript.map(({ role, content }) => ({ role, content })), simulation: r.simulation }]));
    for (const name of ['second', 'third']) {
      const again = await readRunAll(join(dir, `runs/${name}.jsonl`));
      expect(strip(again.results)).toEqual(strip(recorded.results));
      // Every message a model wrote (the agent's, the simulator's) came from the cache.
      const written = again.results.flatMap((r) => r.transcript.filter((m) => m.role === 'assistant' || m.simulated));
      expect(written).toHaveLength(3 * 6);
      expect(written.every((m) => m.cached === true)).toBe(true);
    }
  }, 120_000);

  it('--cache-only exits 3 naming the conversation when a simulator answer was never recorded', async () => {
    llm.setScript([customer, ...agent]);
    // Without a first_message the simulator is the first call.
    const dir = await simulatedProject({ golden: golden(1, { firstMessage: false }), baseURL: llm.openaiBaseURL });
    const result = await run(dir, 'miss', ['--cache-only']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('exit 3: --cache-only: 1 conversation missed the cache; first: case "sim-00", variant "bot", turn 0, repeat 0');
    expect(llm.counts.requests).toBe(0);
    const record = await readRunAll(join(dir, 'runs/miss.jsonl'));
    expect(record.results[0]!.error).toMatchObject({ code: 'E_CACHE_MISS' });
    expect(record.results[0]!.error!.message).toContain('simulator request');
  }, 60_000);

  it('--repeat gives independent simulations: each repeat asks the simulator itself, with its own seed', async () => {
    llm.setScript([customer, ...agent]);
    const dir = await simulatedProject({ golden: golden(1), baseURL: llm.openaiBaseURL });
    const result = await run(dir, 'repeats', ['--repeat', '3']);
    expect(result.code).toBe(0);
    const seeds = llm.requests.filter((r) => isSimulator(r.body)).map((r) => (r.body as { seed?: number }).seed);
    // Not served from each other's cache: 3 simulator calls per repeat, seeds 7, 8, 9 (seed + repeat).
    expect(seeds).toHaveLength(9);
    expect([...new Set(seeds)].sort()).toEqual([7, 8, 9]);
    const record = await readRunAll(join(dir, 'runs/repeats.jsonl'));
    expect(record.results.map((r) => r.repeat).sort()).toEqual([0, 1, 2]);
  }, 60_000);
});

describe('--resume after a SIGKILL mid-conversation', () => {
  /**
   * Which conversation (by its order id) and which call of it a logged request is: the agent's
   * k-th reply (k user messages so far) or the simulated customer's k-th answer (roles are
   * flipped there: k of its own messages after its first one).
   */
  const callOf = (body: unknown) => {
    const order = /VL-(\d+)/.exec(JSON.stringify(body))?.[1];
    const roles = ((body as { messages?: { role: string }[] }).messages ?? []).map((m) => m.role);
    const call = isSimulator(body) ? `answer ${roles.filter((r) => r === 'assistant').length}` : `reply ${roles.filter((r) => r === 'user').length}`;
    return `sim-${String(Number(order) - 2000).padStart(2, '0')} ${call}`;
  };
  const callsOf = (requests: readonly { body: unknown }[]) => requests.map((r) => callOf(r.body)).sort();

  it('pays nothing again for the turns already answered', async () => {
    // Two conversations are held at the fake server until the kill, so they are surely half-way
    // when it lands: sim-04 at the simulator's 2nd answer (after 2 agent replies and 1 simulator
    // answer), sim-05 at its 3rd (after 3 agent replies and 2 answers). The kill waits until both
    // are held and every other conversation is written as finished: nothing depends on timing.
    llm.setScript([customer, ...agent]);
    llm.setFaults([
      { kind: 'timeout', match: { system: 'VL-2004', lastUser: 'which carrier' } },
      { kind: 'timeout', match: { system: 'VL-2005', lastUser: 'on its way' } },
    ]);
    const cases = 6;
    const dir = await simulatedProject({ golden: golden(cases), baseURL: llm.openaiBaseURL, extraConfig: 'concurrency: { agent: 3, judge: 3 }\n' });
    const first = join(dir, 'runs/first.jsonl');
    const child = spawnCli(['run', '--progress', 'none', '--out', first], { cwd: dir, cleanEnv: true, env });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const results = async () => (await readFile(first, 'utf8').catch(() => '')).split('\n').filter((l) => l.includes('"type":"result"')).length;
    const held = () => llm.requests.filter((r) => r.outcome === 'timeout').length;
    const deadline = Date.now() + 90_000;
    while (!(held() === 2 && (await results()) === cases - 2) && Date.now() < deadline) await sleep(20);
    expect({ held: held(), results: await results() }).toEqual({ held: 2, results: cases - 2 });
    child.kill('SIGKILL');
    await exited;
    const before = llm.requests.filter((r) => r.outcome === 'ok');
    // Each call of the finished conversations once; of the held ones, the calls before the hold.
    const answered = ['reply 1', 'answer 1', 'reply 2', 'answer 2', 'reply 3', 'answer 3'];
    expect(callsOf(before)).toEqual(
      [
        ...['00', '01', '02', '03'].flatMap((id) => answered.map((call) => `sim-${id} ${call}`)),
        ...answered.slice(0, 3).map((call) => `sim-04 ${call}`),
        ...answered.slice(0, 5).map((call) => `sim-05 ${call}`),
      ].sort(),
    );

    llm.reset();
    llm.setFaults([]);
    const second = join(dir, 'runs/second.jsonl');
    const resumed = await runCli(['run', '--progress', 'none', '--resume', first, '--out', second], { cwd: dir, cleanEnv: true, env });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    // Only what was not answered before the kill reaches the model: the held calls and the rest
    // of their conversations; the finished conversations ask nothing.
    expect(callsOf(llm.requests)).toEqual(['sim-04 answer 2', 'sim-04 answer 3', 'sim-04 reply 3', 'sim-05 answer 3']);
    const run2 = await readRunAll(second);
    expect(run2.results.map((r) => r.caseId).sort()).toEqual(['sim-00', 'sim-01', 'sim-02', 'sim-03', 'sim-04', 'sim-05']);
    expect(run2.results.every((r) => r.simulation?.endReason === 'stop' && r.simulation.turns === 3)).toBe(true);
    // The resumed conversations replay their first turns from the cache.
    const cachedMessages = (id: string) => run2.results.find((r) => r.caseId === id)!.transcript.filter((m) => m.cached === true).length;
    expect([cachedMessages('sim-04'), cachedMessages('sim-05')]).toEqual([3, 5]);
  }, 180_000);
});
