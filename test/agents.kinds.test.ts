import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../src/agents/deps.js';
import { agentKinds, agentSkipReason, createAgent } from '../src/agents/registry.js';
import { offeredTools } from '../src/agents/tools.js';
import { AgentConfigSchema } from '../src/schema/config.js';
import { type FakeLlm, startFakeLlm } from './fake-llm/server.js';
import { assistant, makeCase, makeInput, user } from './fixtures/agents/cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const deps = (extra: Partial<AgentDeps> = {}): AgentDeps => ({ configDir: repoRoot, env: {}, ...extra });
const parse = (raw: Record<string, unknown>) => AgentConfigSchema.parse(raw);

describe('registry', () => {
  it('knows every kind', () => {
    expect([...agentKinds].sort()).toEqual(['baseline', 'http', 'model', 'module', 'transcript']);
  });

  it.each([
    [{ kind: 'model', provider: 'openai', model: 'gpt-4o-mini' }, {}, 'OPENAI_API_KEY is not set'],
    [{ kind: 'model', provider: 'anthropic', model: 'claude-x' }, { OPENAI_API_KEY: 'k' }, 'ANTHROPIC_API_KEY is not set'],
    [{ kind: 'model', provider: 'openai', model: 'm', apiKeyEnv: 'GROQ_KEY' }, { OPENAI_API_KEY: 'k' }, 'GROQ_KEY is not set'],
    [{ kind: 'model', provider: 'openai', model: 'm' }, { OPENAI_API_KEY: '  ' }, 'OPENAI_API_KEY is not set'],
    [{ kind: 'model', provider: 'openai', model: 'm' }, { OPENAI_API_KEY: 'k' }, undefined],
    [{ kind: 'baseline' }, {}, undefined],
    [{ kind: 'http', url: 'http://127.0.0.1:1/' }, {}, undefined],
  ])('skip reason of %j with %j is %j', (raw, env, reason) => {
    expect(agentSkipReason(parse(raw), env)).toBe(reason);
  });
});

describe('offered tools', () => {
  const testCase = makeCase({
    expect: { tools: [{ name: 'lookup_order' }, { name: 'transfer_to_human' }] },
    turns: [{ user: 'hi', expect: { tools: [{ name: 'lookup_order', arguments: { id: 1 } }, { name: 'refund' }] } }],
  });
  it('offers the expected tools once each as open schemas', () => {
    expect(offeredTools('expected', testCase)).toEqual(
      ['lookup_order', 'transfer_to_human', 'refund'].map((name) => ({
        name,
        parameters: { type: 'object', properties: {}, additionalProperties: true },
      })),
    );
  });
  it('offers nothing for none, or when nothing is expected, and a list as given', () => {
    expect(offeredTools('none', testCase)).toBeUndefined();
    expect(offeredTools('expected', makeCase())).toBeUndefined();
    const list = [{ name: 'x', parameters: { type: 'object' } }];
    expect(offeredTools(list, testCase)).toBe(list);
  });
});

describe('model agent (over the fake LLM)', () => {
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm({
      script: [
        { match: { lastUser: 'tool please' }, reply: { toolCalls: [{ name: 'lookup_order', arguments: { id: 7 } }] } },
        { reply: (req) => ({ text: `system=${req.system || '-'} tools=${req.tools.join(',') || '-'}` }), model: 'gpt-4o-mini-2024-07-18', usage: { input: 21, output: 4 } },
      ],
    });
  });
  afterAll(async () => llm.close());

  const env = (): Record<string, string> => ({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: llm.openaiBaseURL });

  it('sends the variant system prompt, params and expected tools; returns usage and the reported model', async () => {
    const agent = await createAgent(
      'prompt-a',
      parse({ kind: 'model', provider: 'openai', model: 'gpt-4o-mini', system: 'Be brief.', params: { temperature: 0.2, seed: 7 }, tools: 'expected' }),
      deps({ env: env() }),
    );
    expect(agent).toMatchObject({ kind: 'model', provider: 'openai', model: 'gpt-4o-mini' });
    llm.reset();
    const testCase = makeCase({ system: 'case system', expect: { tools: [{ name: 'lookup_order' }] } });
    const reply = await agent.reply(makeInput(testCase, [user('hello')]));
    expect(reply).toMatchObject({ content: 'system=Be brief. tools=lookup_order', model: 'gpt-4o-mini-2024-07-18' });
    expect(reply.usage).toMatchObject({ input: 21, output: 4 });
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    const body = llm.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, seed: 7 });
    expect(body.tools).toEqual([
      { type: 'function', function: expect.objectContaining({ name: 'lookup_order', parameters: { type: 'object', properties: {}, additionalProperties: true } }) },
    ]);
  });

  it("falls back to the case's system prompt, and reads systemFile relative to configDir", async () => {
    const bare = await createAgent('bare', parse({ kind: 'model', provider: 'openai', model: 'm' }), deps({ env: env() }));
    const reply = await bare.reply(makeInput(makeCase({ system: 'case system' }), [user('hello')]));
    expect(reply.content).toBe('system=case system tools=-');

    const dir = await mkdtemp(join(tmpdir(), 'convotest-agents-'));
    await writeFile(join(dir, 'prompt-b.md'), 'From a file.');
    const fromFile = await createAgent('b', parse({ kind: 'model', provider: 'openai', model: 'm', systemFile: 'prompt-b.md' }), deps({ configDir: dir, env: env() }));
    expect((await fromFile.reply(makeInput(makeCase({ system: 'case system' }), [user('hello')]))).content).toBe('system=From a file. tools=-');

    await expect(
      createAgent('c', parse({ kind: 'model', provider: 'openai', model: 'm', systemFile: 'missing.md' }), deps({ configDir: dir, env: env() })),
    ).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/cannot read systemFile .*missing\.md/) });
  });

  it('returns tool calls', async () => {
    const agent = await createAgent('t', parse({ kind: 'model', provider: 'openai', model: 'm', tools: 'expected' }), deps({ env: env() }));
    const reply = await agent.reply(makeInput(makeCase({ expect: { tools: [{ name: 'lookup_order' }] } }), [user('tool please')]));
    expect(reply.toolCalls).toHaveLength(1);
    expect(reply.toolCalls![0]!.function).toEqual({ name: 'lookup_order', arguments: '{"id":7}' });
  });

  it('uses an injected chat model factory', async () => {
    const agent = await createAgent('inj', parse({ kind: 'model', provider: 'anthropic', model: 'claude-test' }), deps({
      createChatModel: (ref) => ({
        provider: ref.provider,
        model: ref.model,
        chat: async (req) => ({ content: `${req.messages.length} msgs`, toolCalls: [], usage: { input: 1, output: 1, cached: 0 }, latencyMs: 3, model: ref.model }),
      }),
    }));
    expect((await agent.reply(makeInput(makeCase(), [user('a'), assistant('b'), user('c')]))).content).toBe('3 msgs');
  });
});

describe('module agent', () => {
  it('loads the example bot (TypeScript), passes options and remembers the topic', async () => {
    const agent = await createAgent('rules', parse({ kind: 'module', path: 'examples/bots/support-bot.ts', options: { signature: '— Acme' } }), deps());
    const reply = await agent.reply(makeInput(makeCase(), [user('I would like a refund'), assistant('…'), user('How long does that take?')]));
    expect(reply.content).toBe('Refunds are issued within 5 business days once the returned item reaches our warehouse. — Acme');
    const human = await agent.reply(makeInput(makeCase(), [user('let me talk to a human')], { turn: 0 }));
    expect(human).toMatchObject({ escalated: true, toolCalls: [{ function: { name: 'transfer_to_human' } }] });
  });

  it('loads a named export and a plain .mjs file; keeps usage and model, measures latency', async () => {
    const named = await createAgent('n', parse({ kind: 'module', path: 'test/fixtures/agents/named-export.ts', export: 'answer', options: { prefix: '> ' } }), deps());
    const reply = await named.reply(makeInput(makeCase(), [user('a'), assistant('b'), user('c')]));
    expect(reply).toMatchObject({ content: '> 3 message(s) so far', usage: { input: 12, output: 5, cached: 0 }, model: 'rules-v1' });
    const plain = await createAgent('p', parse({ kind: 'module', path: 'test/fixtures/agents/plain.mjs' }), deps());
    expect((await plain.reply(makeInput(makeCase(), [user('a')], { turn: 4 }))).content).toBe('plain js, turn 4');
  });

  it('rejects a bad reply shape with E_AGENT naming the file and field', async () => {
    const agent = await createAgent('bad', parse({ kind: 'module', path: 'test/fixtures/agents/bad-shape.ts' }), deps());
    await expect(agent.reply(makeInput(makeCase(), [user('a')]))).rejects.toMatchObject({
      code: 'E_AGENT',
      message: expect.stringMatching(/bad-shape\.ts returned an invalid reply: content: /),
    });
  });

  it('wraps an error the function throws as E_AGENT naming the file', async () => {
    const agent = await createAgent('t', parse({ kind: 'module', path: 'test/fixtures/agents/throws.ts' }), deps());
    await expect(agent.reply(makeInput(makeCase(), [user('a')]))).rejects.toMatchObject({
      code: 'E_AGENT',
      message: expect.stringMatching(/throws\.ts threw: knowledge base unavailable$/),
    });
  });

  it.each([
    ['test/fixtures/agents/nope.ts', 'default', /module file .*nope\.ts does not exist/],
    ['test/fixtures/agents/not-a-function.ts', 'answer', /not-a-function\.ts has no function export "answer" \(exports: answer\)/],
    ['test/fixtures/agents/named-export.ts', 'default', /named-export\.ts has no function export "default"/],
  ])('fails at creation for %s (export %s)', async (path, exportName, message) => {
    await expect(createAgent('m', parse({ kind: 'module', path, export: exportName }), deps())).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(message),
    });
  });
});

describe('transcript agent', () => {
  const recorded = makeCase({
    turns: undefined,
    transcript: [
      user('Where is my parcel?'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'track', arguments: '{}' } }] },
      { role: 'tool', content: '{"status":"in transit"}', tool_call_id: 'c1' },
      assistant('It is in transit.'),
      user('Thanks'),
      assistant('You are welcome.'),
    ],
  });

  it('replays the n-th recorded assistant message, tool calls included', async () => {
    const agent = await createAgent('rec', parse({ kind: 'transcript' }), deps());
    const first = await agent.reply(makeInput(recorded, [user('Where is my parcel?')]));
    expect(first.content).toBe('');
    expect(first.toolCalls).toEqual([{ id: 'c1', type: 'function', function: { name: 'track', arguments: '{}' } }]);
    const second = await agent.reply(makeInput(recorded, recorded.transcript!.slice(0, 3)));
    expect(second.content).toBe('It is in transit.');
    expect(second.usage).toBeUndefined();
    const third = await agent.reply(makeInput(recorded, recorded.transcript!.slice(0, 5)));
    expect(third.content).toBe('You are welcome.');
    await expect(agent.reply(makeInput(recorded, [...recorded.transcript!, user('one more')]))).rejects.toMatchObject({
      code: 'E_AGENT',
      message: expect.stringMatching(/recorded 3 assistant message\(s\); reply #4 was asked for/),
    });
  });

  it('errors on a case without a recorded answer', async () => {
    const agent = await createAgent('rec', parse({ kind: 'transcript' }), deps());
    await expect(agent.reply(makeInput(makeCase(), [user('hi')]))).rejects.toMatchObject({
      code: 'E_AGENT',
      message: 'agent "rec": case "refund-1" has no recorded assistant message to replay',
    });
  });
});
