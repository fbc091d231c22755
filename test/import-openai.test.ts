import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoldenSets } from '../src/io/golden-sets.js';
import { importOpenAiMessages } from '../src/io/import-openai.js';
import { runCli } from './helpers/cli.js';
import { describeWithSharedData, sharedDataPath } from './helpers/shared-data.js';

const TAU = 'tau-bench-airline-dev/trajectories.json';
const tau = sharedDataPath(TAU);

const cli = (args: string[]) => runCli(args);

interface TauRecord {
  task_id: number;
  trial: number;
  reward: number;
  info: { task: { actions: unknown[] } };
  traj: Array<{ role: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }>;
}

describeWithSharedData('convotest import openai-messages on tau-bench airline trajectories', [TAU], () => {
  it('writes 100 transcript cases that validate accepts, with tool calls, tags and metadata kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-import-'));
    const out = join(dir, 'tau.jsonl');
    const run = await cli(['import', 'openai-messages', tau, '--messages-field', 'traj', '--out', out, '--tag', 'source=tau-bench']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const records = JSON.parse(await readFile(tau, 'utf8')) as TauRecord[];
    const sourceCalls = records.flatMap((r) => r.traj.flatMap((m) => m.tool_calls ?? []));
    expect(run.stdout).toBe(`wrote 100 transcript cases (${sourceCalls.length} tool calls) to ${out}\n`);

    const validate = await cli(['validate', out, '--graders', 'test/fixtures/golden/graders']);
    expect(validate).toMatchObject({ code: 0, stdout: 'ok: 100 cases in 1 file\n' });

    const { cases, problems } = await loadGoldenSets([out]);
    expect(problems).toEqual([]);
    expect(cases).toHaveLength(100);
    expect(new Set(cases.map((c) => c.id)).size).toBe(100);
    cases.forEach((c, i) => {
      const record = records[i]!;
      expect(c.id).toMatch(/^conv-[0-9a-f]{8}(-\d+)?$/);
      expect(c.tags).toEqual({ task_id: String(record.task_id), trial: String(record.trial), reward: String(record.reward), source: 'tau-bench' });
      expect(c.system).toContain('Airline Agent Policy');
      expect(c.transcript).toHaveLength(record.traj.length - 1);
      expect((c.metadata!['info'] as TauRecord['info']).task.actions).toEqual(record.info.task.actions);
    });
    const importedCalls = cases.flatMap((c) => (c.transcript ?? []).flatMap((m) => m.tool_calls ?? []));
    expect(importedCalls.map((t) => [t.id, t.function.name, t.function.arguments])).toEqual(
      sourceCalls.map((t) => [t.id, t.function.name, t.function.arguments]),
    );
    const toolMessages = cases.flatMap((c) => (c.transcript ?? []).filter((m) => m.role === 'tool'));
    expect(toolMessages.every((m) => typeof m.tool_call_id === 'string')).toBe(true);

    // Ids are stable: importing again (in process) gives the same file.
    const again = importOpenAiMessages(await readFile(tau, 'utf8'), { file: 'trajectories.json', messagesField: 'traj', tags: { source: 'tau-bench' } });
    expect(again.map((c) => `${JSON.stringify(c)}\n`).join('')).toBe(await readFile(out, 'utf8'));
  }, 120_000);

  it('names the record and field when the messages field is wrong, and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-import-'));
    const run = await cli(['import', 'openai-messages', tau, '--out', join(dir, 'x.jsonl')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('convotest: trajectories.json: record 0: messages: expected a list of messages (and 99 more problems)\n');
  }, 60_000);
});

describe('importOpenAiMessages', () => {
  const file = 'logs.jsonl';

  it('reads JSONL records with ids, tags and metadata', () => {
    const lines = [
      { id: 'c1', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello', refusal: null }], tags: { channel: 'web' }, metadata: { csat: 5, thread: { a: 1 } } },
      { id: 7, messages: [{ role: 'user', content: [{ type: 'text', text: 'Where is' }, { type: 'text', text: 'my order?' }] }, { role: 'assistant', content: 'On its way.' }] },
    ];
    const cases = importOpenAiMessages(lines.map((l) => JSON.stringify(l)).join('\n'), { file, tags: { team: 'support' } });
    expect(cases).toEqual([
      {
        id: 'c1',
        tags: { csat: '5', channel: 'web', team: 'support' },
        system: 'Be brief.',
        transcript: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ],
        metadata: { thread: { a: 1 } },
      },
      {
        id: '7',
        tags: { team: 'support' },
        transcript: [
          { role: 'user', content: 'Where is\nmy order?' },
          { role: 'assistant', content: 'On its way.' },
        ],
      },
    ]);
  });

  it('accepts a bare array of message arrays and makes generated ids unique', () => {
    const conversation = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }];
    const cases = importOpenAiMessages(JSON.stringify([conversation, conversation]), { file });
    expect(cases.map((c) => c.id)).toEqual([cases[0]!.id, `${cases[0]!.id}-2`]);
    expect(cases[0]!.id).toMatch(/^conv-[0-9a-f]{8}$/);
  });

  it.each([
    [[{ messages: [{ role: 'user', content: 'a' }, { role: 'robot', content: 'b' }] }], 'logs.jsonl: record 0: messages[1].role: "robot" is not one of: system, user, assistant, tool'],
    [[{ messages: [{ role: 'user', content: 'a' }] }], 'logs.jsonl: record 0: messages: transcript has no assistant message to grade'],
    [
      [{ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] }, { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'a' }, { role: 'tool', tool_call_id: 'x', content: '1' }, { role: 'assistant', content: 'b' }] }],
      'logs.jsonl: record 1: messages[2].tool_call_id: tool message answers "x", but no earlier assistant message has a tool_call with that id',
    ],
    [[{ id: 'a', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] }, { id: 'a', messages: [{ role: 'user', content: 'c' }, { role: 'assistant', content: 'd' }] }], 'logs.jsonl: record 1: id: id "a" is already used by record 0'],
    [['not a record'], 'logs.jsonl: record 0: expected an object or a list of messages'],
  ])('rejects bad input naming the record (%#)', (records, message) => {
    expect(() => importOpenAiMessages(JSON.stringify(records), { file })).toThrow(message);
  });

  it('names the line of invalid JSONL', async () => {
    expect(() => importOpenAiMessages('{"messages": []}\n{oops\n', { file })).toThrow(/^logs\.jsonl: line 2: invalid JSON: /);
  });

  it('writes what the loader reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-import-'));
    const cases = importOpenAiMessages(JSON.stringify([[{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }]]), { file });
    await writeFile(join(dir, 'x.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n'));
    const loaded = await loadGoldenSets([dir]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.cases[0]).toMatchObject({ id: cases[0]!.id, transcript: cases[0]!.transcript });
  });
});
