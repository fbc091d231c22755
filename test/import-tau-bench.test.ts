import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { literalPattern, tauExpect, tauSimulatedUser } from '../src/core/tau-bench.js';
import { loadGoldenSets } from '../src/io/golden-sets.js';
import { readRunAll } from '../src/io/run-reader.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { describeWithSharedData, sharedDataPath } from './helpers/shared-data.js';

const TAU = 'tau-bench-airline-dev/trajectories.json';
const TASKS = resolve(repoRoot, 'test/fixtures/tau-bench/tasks.json');

/**
 * A project whose `actions` grader has τ-bench's airline writes (issue 10's definition: an extra
 * transfer to a human changes no booking, so it is not a write) and the `rules` grader.
 */
async function tauProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-tau-'));
  await mkdir(join(dir, 'graders'));
  await writeFile(join(dir, 'graders/actions.yaml'), "name: actions\nkind: actions\nwrites: [book_reservation, cancel_reservation, 'update_reservation_*', send_certificate]\n");
  await writeFile(join(dir, 'graders/rules.yaml'), 'name: rules\nkind: rules\n');
  await writeFile(join(dir, 'convotest.config.yaml'), 'graders: [graders]\n');
  return dir;
}

describeWithSharedData('convotest import tau-bench on the airline trajectories', [TAU], () => {
  it('imports 100 transcript cases that validate, and actions + rules over them via `convotest run` agree with the reward on ≥ 90 %', async () => {
    const dir = await tauProject();
    const out = join(dir, 'golden-sets/tau.yaml');
    const imported = await runCli(['import', 'tau-bench', sharedDataPath(TAU), '--out', out], { cwd: dir });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^wrote 100 transcript cases \(\d+ expected calls, \d+ must_match\) to .*tau\.yaml\n$/);

    const validate = await runCli(['validate', out], { cwd: dir });
    expect(validate).toMatchObject({ code: 0, stdout: 'ok: 100 cases in 1 file\n' });

    const source = JSON.parse(await readFile(sharedDataPath(TAU), 'utf8')) as Array<{
      task_id: number;
      trial: number;
      reward: number;
      traj: Array<{ role: string; tool_calls?: unknown[] }>;
    }>;
    const { cases, problems } = await loadGoldenSets([out]);
    expect(problems).toEqual([]);
    cases.forEach((c, i) => {
      const record = source[i]!;
      expect(c.id).toBe(`tau-${record.task_id}-trial-${record.trial}`);
      expect(c.tags).toEqual({ task_id: String(record.task_id), trial: String(record.trial) });
      expect(c.metadata?.['reward']).toBe(record.reward);
      expect(c.system).toContain('Airline Agent Policy');
      // tool calls and tool results are kept, so `actions` reads what the agent did
      expect(c.transcript).toHaveLength(record.traj.length - 1);
      expect(c.transcript!.filter((m) => m.role === 'tool')).toHaveLength(record.traj.filter((m) => m.role === 'tool').length);
      expect(c.expect?.graders).toEqual(['actions', 'rules']);
    });

    const runPath = join(dir, 'run.jsonl');
    const run = await runCli(['run', out, '--out', runPath, '--progress', 'none', '--no-html'], { cwd: dir });
    expect(run.code).toBe(0);
    const { results } = await readRunAll(runPath);
    expect(results).toHaveLength(100);
    const reward = new Map(cases.map((c) => [c.id, c.metadata?.['reward'] === 1]));
    const agree = results.filter((r) => {
      expect(r.mode).toBe('recorded');
      const verdicts = r.grades.filter((g) => g.grader === 'actions' || g.grader === 'rules');
      expect(verdicts.some((g) => g.grader === 'actions')).toBe(true);
      return verdicts.every((g) => g.pass === true) === reward.get(r.caseId);
    }).length;
    expect(agree / results.length).toBeGreaterThanOrEqual(0.9);
  }, 240_000);
});

describe('convotest import tau-bench on tasks', () => {
  it('turns tasks into simulated-customer cases that validate (YAML on stdout without --out)', async () => {
    const dir = await tauProject();
    const printed = await runCli(['import', 'tau-bench', TASKS, '--max-turns', '12', '--tag', 'domain=airline']);
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe('imported 3 simulated-customer cases (3 expected calls, 1 must_match)\n');
    expect(printed.stdout).toMatch(/^# Imported by `convotest import tau-bench` from tasks\.json:\n# 3 tasks → simulated-customer cases, 0 trajectories → transcript cases\.\n/);
    await writeFile(join(dir, 'tasks.yaml'), printed.stdout);
    expect(await runCli(['validate', 'tasks.yaml'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'ok: 3 cases in 1 file\n' });

    const { cases } = await loadGoldenSets([join(dir, 'tasks.yaml')]);
    expect(cases.map((c) => ({ id: c.id, tags: c.tags, user: c.user, expect: c.expect }))).toEqual([
      {
        id: 'tau-cancel-trip',
        tags: { task_id: 'cancel-trip', domain: 'airline' },
        user: {
          goal: 'You want to cancel reservation Q7XK2M because your conference moved online. You want the refund on the original card.',
          persona: 'You are polite but firm.',
          facts: { user_id: 'noor_haddad_1024', reservation_id: 'Q7XK2M' },
          max_turns: 12,
        },
        // the lookup is read-only: not expected
        expect: { tools: [{ name: 'cancel_reservation', arguments: { reservation_id: 'Q7XK2M' } }], graders: ['actions', 'rules'] },
      },
      {
        id: 'tau-bag-count',
        tags: { task_id: 'bag-count', domain: 'airline' },
        user: {
          goal: 'You are li_wei_5521 and you want to know how much you paid in total for your trip with reservation ID is LW77AB, then add one checked bag to it.',
          persona: 'You are terse.',
          facts: { user_id: 'li_wei_5521', reservation_id: 'LW77AB' },
          max_turns: 12,
        },
        expect: {
          tools: [{ name: 'update_reservation_baggages', arguments: { reservation_id: 'LW77AB', total_baggages: 2, nonfree_baggages: 1, payment_id: 'credit_card_88' } }],
          must_match: ['(?i)1,?2,?4,?0'],
          graders: ['actions', 'rules'],
        },
      },
      {
        id: 'tau-2',
        tags: { task_id: '2', domain: 'airline' },
        user: { goal: 'You want a human agent to look at a lost wheelchair claim.', facts: { user_id: 'ana_souza_3307' }, max_turns: 12 },
        // the transfer's free-text summary is left out
        expect: { tools: [{ name: 'transfer_to_human_agents', arguments: {} }], graders: ['actions', 'rules'] },
      },
    ]);
  }, 120_000);

  it('--writes chooses the state-changing tools, and JSONL is written for a .jsonl name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-tau-'));
    const out = join(dir, 'tasks.jsonl');
    const run = await runCli(['import', 'tau-bench', TASKS, '--writes', 'get_*,cancel_*', '--out', out]);
    expect(run).toMatchObject({ code: 0, stdout: `wrote 3 simulated-customer cases (3 expected calls, 1 must_match) to ${out}\n` });
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { expect: { tools: Array<{ name: string }> } });
    expect(lines.map((c) => c.expect.tools.map((t) => t.name))).toEqual([['get_reservation_details', 'cancel_reservation'], [], ['transfer_to_human_agents']]);
  }, 60_000);

  it.each([
    [[{ user_id: 'x', actions: [] }], 'bad.json: record 0: instruction: a τ-bench task needs its instruction (the customer\'s goal)'],
    [[{ task: { instruction: '  ' } }], 'bad.json: record 0: task.instruction: the instruction is empty'],
    [[{ messages: [] }], 'bad.json: record 0: neither a τ-bench task (instruction, actions, outputs) nor a trajectory (traj, info.task)'],
    [[{ traj: [], info: {} }], 'bad.json: record 0: info.task: expected a τ-bench task object (user_id, instruction, actions, outputs)'],
    [[{ instruction: 'a', actions: [{ name: 'cancel_reservation', kwargs: {} }] }, { traj: [{ role: 'user', content: 'hi' }, { role: 'robot', content: 'x' }], info: { task: { instruction: 'b' } } }], 'bad.json: record 1: traj[1].role: "robot" is not one of: system, user, assistant, tool'],
    [['text'], 'bad.json: record 0: expected an object (a τ-bench task or trajectory)'],
  ])('bad input is one line naming file, record and field, exit 2 (%#)', async (records, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-tau-'));
    await writeFile(join(dir, 'bad.json'), JSON.stringify(records));
    const run = await runCli(['import', 'tau-bench', 'bad.json', '--out', 'out.yaml'], { cwd: dir });
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `convotest: ${message}\n` });
  }, 60_000);
});

describe('the τ-bench mapping', () => {
  it('outputs match literally, in any case, with or without thousands separators', () => {
    const re = (p: string) => new RegExp(p.replace('(?i)', ''), 'i');
    expect(re(literalPattern('23553')).test('you saved $23,553 in total')).toBe(true);
    expect(re(literalPattern('23553')).test('you saved $2355 in total')).toBe(false);
    expect(re(literalPattern('a.b (c)')).test('A.B (C)')).toBe(true);
    expect(re(literalPattern('a.b')).test('axb')).toBe(false);
  });

  it('keeps writes and transfers, drops read-only actions and free-text arguments', () => {
    const task = {
      instruction: 'x',
      actions: [
        { name: 'search_direct_flight', kwargs: { origin: 'JFK' } },
        { name: 'send_certificate', kwargs: { user_id: 'u', amount: 50 } },
        { name: 'transfer_to_human_agents', kwargs: { summary: 'text' } },
      ],
      outputs: [],
    };
    expect(tauExpect(task, (n) => n === 'send_certificate')).toEqual({
      tools: [{ name: 'send_certificate', arguments: { user_id: 'u', amount: 50 } }, { name: 'transfer_to_human_agents', arguments: {} }],
      graders: ['actions', 'rules'],
    });
  });

  it('an instruction of identity and behaviour only is the goal whole', () => {
    expect(tauSimulatedUser({ user_id: 'u_1', instruction: 'You are u_1. You are calm.', actions: [], outputs: [] }, { maxTurns: 5 })).toEqual({
      goal: 'You are u_1. You are calm.',
      facts: { user_id: 'u_1' },
      max_turns: 5,
    });
  });
});
