import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importOpenAiMessages } from '../src/io/import-openai.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { graderOf, run, testCase } from './grading-helpers.js';
import { describeWithSharedData, sharedDataPath } from './helpers/shared-data.js';

const g = graderOf({ name: 'actions', kind: 'actions', writes: ['cancel_*', 'book_*'] });

/** A transcript of tool calls, each answered by its result. */
function calls(...list: Array<[name: string, args: Record<string, unknown>, result: string]>): TranscriptMessage[] {
  const out: TranscriptMessage[] = [{ role: 'user', content: 'please cancel booking AB12' }];
  list.forEach(([name, args, result], k) => {
    out.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${k}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
    out.push({ role: 'tool', tool_call_id: `c${k}`, content: result });
  });
  out.push({ role: 'assistant', content: 'Done.' });
  return out;
}

const c = testCase({ expect: { tools: [{ name: 'cancel_reservation', arguments: { reservation_id: 'AB12' } }] } });

describe('actions grader', () => {
  it('passes when the expected write was made and succeeded; read-only extra calls never fail it', async () => {
    const grade = await run(g, calls(['get_reservation', { reservation_id: 'AB12' }, '{"status":"active"}'], ['cancel_reservation', { reservation_id: 'ab12', reason: 'x' }, '{"status":"cancelled"}']), c);
    expect(grade).toMatchObject({ score: 1, pass: true, label: 'as-expected' });
  });

  it('a failed call does not count as made (Error prefix or a JSON error key), and the evidence names it', async () => {
    for (const result of ['Error: reservation not found', '{"error":"not found"}']) {
      const grade = await run(g, calls(['cancel_reservation', { reservation_id: 'AB12' }, result]), c);
      expect(grade).toMatchObject({ score: 0, pass: false, label: 'incomplete' });
      expect(grade.evidence).toEqual([
        { quote: 'cancel_reservation({"reservation_id":"AB12"})', note: 'expected call not made' },
        { turn: 1, quote: 'cancel_reservation({"reservation_id":"AB12"})', note: 'call failed (error result): not counted as made' },
      ]);
    }
  });

  it('a failed call followed by a successful retry passes', async () => {
    const grade = await run(g, calls(['cancel_reservation', { reservation_id: 'AB12' }, 'Error: busy'], ['cancel_reservation', { reservation_id: 'AB12' }, 'ok']), c);
    expect(grade.pass).toBe(true);
  });

  it('an unexpected successful write fails it with score 0 (a second cancellation on another booking)', async () => {
    const grade = await run(
      g,
      calls(['cancel_reservation', { reservation_id: 'AB12' }, 'ok'], ['cancel_reservation', { reservation_id: 'ZZ99' }, 'ok']),
      c,
    );
    expect(grade).toMatchObject({ score: 0, pass: false, label: 'unexpected-write' });
    expect(grade.evidence).toEqual([{ turn: 3, quote: 'cancel_reservation({"reservation_id":"ZZ99"})', note: 'unexpected write' }]);
    expect(grade.reason).toContain('unexpected writes: cancel_reservation({"reservation_id":"ZZ99"})');
  });

  it('an unexpected write that failed changes nothing; score = share of expected calls made', async () => {
    const two = testCase({ expect: { tools: [{ name: 'cancel_reservation' }, { name: 'book_flight', arguments: { to: 'SEA' } }] } });
    const grade = await run(g, calls(['cancel_reservation', {}, 'ok'], ['book_hotel', {}, 'Error: no rooms']), two);
    expect(grade).toMatchObject({ score: 0.5, pass: false });
    expect(grade.details).toMatchObject({ missing: [{ name: 'book_flight', arguments: { to: 'SEA' } }], unexpected: [], failed: [{ name: 'book_hotel' }] });
  });

  it('applies only to cases that list expected tools; `tools: []` means change nothing', async () => {
    expect(g.appliesTo(testCase())).toBe(false);
    const none = testCase({ expect: { tools: [] } });
    expect(g.appliesTo(none)).toBe(true);
    expect((await run(g, calls(['cancel_reservation', {}, 'ok']), none)).pass).toBe(false);
    expect((await run(g, calls(['get_reservation', {}, 'ok']), none)).pass).toBe(true);
  });

  it('error detection is configurable', async () => {
    const custom = graderOf({ name: 'a2', kind: 'actions', writes: ['cancel_*'], error_prefixes: ['FAILED'], error_keys: ['fault'] });
    expect((await run(custom, calls(['cancel_reservation', { reservation_id: 'AB12' }, 'Error: x']), c)).pass).toBe(true);
    expect((await run(custom, calls(['cancel_reservation', { reservation_id: 'AB12' }, '{"fault":1}']), c)).pass).toBe(false);
  });
});

describeWithSharedData('actions on τ-bench airline dev', ['tau-bench-airline-dev/trajectories.json'], () => {
  const TAU = sharedDataPath('tau-bench-airline-dev/trajectories.json');
  it('actions + rules pass agrees with the benchmark reward on at least 90 % of trajectories', async () => {
    const text = readFileSync(TAU, 'utf8');
    const records = JSON.parse(text) as Array<{ reward: number; info: { task: { actions: Array<{ name: string; kwargs: Record<string, unknown> }>; outputs?: string[] } } }>;
    const writes = ['book_reservation', 'cancel_reservation', 'update_reservation_*', 'send_certificate'];
    const actions = graderOf({ name: 'actions', kind: 'actions', writes });
    const rules = graderOf({ name: 'rules', kind: 'rules' });
    const expectedName = (name: string) => name === 'transfer_to_human_agents' || writes.some((w) => new RegExp(`^${w.replace('*', '.*')}$`).test(name));
    const imported = importOpenAiMessages(text, { file: 'trajectories.json', messagesField: 'traj' });
    let agree = 0;
    for (const [i, g] of imported.entries()) {
      const task = records[i]!.info.task;
      const tools = task.actions
        .filter((a) => expectedName(a.name))
        .map((a) => ({ name: a.name, arguments: Object.fromEntries(Object.entries(a.kwargs).filter(([k]) => k !== 'summary')) }));
      const mustMatch = (task.outputs ?? []).map((o) => `(?i)${o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
      const c = testCase({ expect: { tools, ...(mustMatch.length > 0 ? { must_match: mustMatch } : {}) } });
      const transcript = (g.transcript ?? []).filter((m) => m.role !== 'system') as TranscriptMessage[];
      const a = await run(actions, transcript, c);
      const r = rules.appliesTo(c) ? await run(rules, transcript, c) : null;
      if ((a.pass === true && r?.pass !== false) === (records[i]!.reward === 1)) agree++;
    }
    expect(agree / imported.length).toBeGreaterThanOrEqual(0.9);
  });
});
