/**
 * One conformance suite for every agent kind (the hono `common.case.test` pattern): each kind is
 * set up against real collaborators (the loopback fake LLM for OpenAI and Anthropic, a loopback
 * bot for http, a TypeScript file for module) and must pass the same contract.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Agent, AgentReply } from '../src/agents/agent.js';
import type { AgentDeps } from '../src/agents/deps.js';
import { createAgent } from '../src/agents/registry.js';
import { AgentConfigSchema, type AgentKind } from '../src/schema/config.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import { ToolCallSchema, UsageSchema } from '../src/schema/message.js';
import { type FakeLlm, startFakeLlm } from './fake-llm/server.js';
import { assistant, makeCase, makeInput, user } from './fixtures/agents/cases.js';
import { type LoopbackBot, startLoopbackBot } from './helpers/loopback-bot.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const ReplySchema = z.strictObject({
  content: z.string(),
  toolCalls: z.array(ToolCallSchema).optional(),
  usage: UsageSchema.optional(),
  latencyMs: z.number().nonnegative(),
  model: z.string().min(1).optional(),
  escalated: z.boolean().optional(),
});

interface Setup {
  agent: Agent;
  testCase: ResolvedCase;
  /** An agent of the same kind whose reply takes seconds, for the in-flight abort check. */
  slow?: Agent;
}

interface Kind {
  label: string;
  kind: AgentKind;
  deterministic: boolean;
  make(): Promise<Setup>;
}

let llm: FakeLlm;
let bot: LoopbackBot;

beforeAll(async () => {
  const userTexts = (messages: Array<{ role: string; text: string }>) =>
    messages.filter((m) => m.role === 'user').map((m) => m.text).join(' | ');
  llm = await startFakeLlm({
    script: [
      { match: { model: 'slow-model' }, latencyMs: 5_000, reply: { text: 'too late' } },
      { reply: (req) => ({ text: `You said: ${userTexts(req.messages)}` }) },
    ],
  });
  bot = await startLoopbackBot((req) => {
    if (req.path === '/slow') return { hang: true };
    const history = (req.json as { history: Array<{ role: string; content: string }> }).history;
    const said = history.filter((m) => m.role === 'user').map((m) => m.content).join(' | ');
    return { body: { output: { text: `Bot heard: ${said}` } } };
  });
});

afterAll(async () => {
  await Promise.all([llm?.close(), bot?.close()]);
});

const deps = (): AgentDeps => ({
  configDir: repoRoot,
  env: {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: llm.openaiBaseURL,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: llm.anthropicBaseURL,
  },
});

const make = (name: string, raw: Record<string, unknown>) => createAgent(name, AgentConfigSchema.parse(raw), deps());

const model = (provider: 'openai' | 'anthropic'): Kind => ({
  label: `model (${provider}, fake LLM)`,
  kind: 'model',
  deterministic: true,
  make: async () => ({
    agent: await make(`m-${provider}`, { kind: 'model', provider, model: 'test-model', system: 'Be helpful.', maxRetries: 0 }),
    slow: await make(`slow-${provider}`, { kind: 'model', provider, model: 'slow-model', maxRetries: 0 }),
    testCase: makeCase(),
  }),
});

const kinds: Kind[] = [
  model('openai'),
  model('anthropic'),
  {
    label: 'http (loopback bot)',
    kind: 'http',
    deterministic: true,
    make: async () => ({
      agent: await make('bot', { kind: 'http', url: `${bot.url}/chat`, body: { history: '{{messages}}' }, response: { reply: 'output.text' } }),
      slow: await make('slow-bot', { kind: 'http', url: `${bot.url}/slow`, body: { history: '{{messages}}' }, timeoutMs: 10_000 }),
      testCase: makeCase(),
    }),
  },
  {
    label: 'module (examples/bots/support-bot.ts)',
    kind: 'module',
    deterministic: true,
    make: async () => ({
      agent: await make('rules', { kind: 'module', path: 'examples/bots/support-bot.ts' }),
      slow: await make('slow-module', { kind: 'module', path: 'test/fixtures/agents/ignores-signal.ts' }),
      testCase: makeCase(),
    }),
  },
  {
    label: 'transcript',
    kind: 'transcript',
    deterministic: true,
    make: async () => ({
      agent: await make('recorded', { kind: 'transcript' }),
      testCase: makeCase({
        turns: undefined,
        transcript: [
          user('I would like a refund'),
          assistant('Which order is it about?'),
          user('How long does that take?'),
          assistant('A refund takes up to 5 business days.'),
        ],
      }),
    }),
  },
  {
    label: 'baseline',
    kind: 'baseline',
    deterministic: true,
    make: async () => ({ agent: await make('floor', { kind: 'baseline' }), testCase: makeCase() }),
  },
];

const firstTurn = [user('I would like a refund')];
const secondTurn = [user('I would like a refund'), assistant('Which order is it about?'), user('How long does that take?')];
const comparable = (reply: AgentReply) => ({ ...reply, latencyMs: 0 });

describe.each(kinds)('agent conformance: $label', (spec) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await spec.make();
  });

  it('has a name and its kind', () => {
    expect(setup.agent.name).toMatch(/\S/);
    expect(setup.agent.kind).toBe(spec.kind);
  });

  it('returns a valid reply with latency ≥ 0', async () => {
    const reply = await setup.agent.reply(makeInput(setup.testCase, firstTurn));
    const parsed = ReplySchema.safeParse(reply);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    expect(reply.content.length + (reply.toolCalls?.length ?? 0)).toBeGreaterThan(0);
  });

  it('passes the multi-turn context (the follow-up is answered about refunds)', async () => {
    const reply = await setup.agent.reply(makeInput(setup.testCase, secondTurn));
    expect(reply.content).toMatch(/refund/i);
  });

  it('rejects promptly with E_ABORTED when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    await expect(setup.agent.reply(makeInput(setup.testCase, firstTurn, { signal: controller.signal }))).rejects.toMatchObject({
      code: 'E_ABORTED',
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('rejects promptly with E_ABORTED when aborted mid-reply', async (ctx) => {
    if (!setup.slow) {
      ctx.skip(`${spec.kind} replies synchronously from memory; nothing to interrupt`);
      return;
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(setup.slow.reply(makeInput(setup.testCase, firstTurn, { signal: controller.signal }))).rejects.toMatchObject({
      code: 'E_ABORTED',
    });
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it.runIf(spec.deterministic)('is deterministic: the same input gives the same reply', async () => {
    const input = makeInput(setup.testCase, secondTurn);
    const a = await setup.agent.reply(input);
    const b = await setup.agent.reply(input);
    expect(comparable(b)).toEqual(comparable(a));
  });
});
