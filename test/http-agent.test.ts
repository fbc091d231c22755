import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../src/agents/agent.js';
import type { AgentDeps } from '../src/agents/deps.js';
import { HttpAgentError, retryAfterMs } from '../src/agents/http-retry.js';
import { createAgent } from '../src/agents/registry.js';
import { ConvotestError } from '../src/errors.js';
import { AgentConfigSchema } from '../src/schema/config.js';
import { type BotHandler, type LoopbackBot, startLoopbackBot } from './helpers/loopback-bot.js';
import { assistant, makeCase, makeInput, user } from './fixtures/agents/cases.js';

const bots: LoopbackBot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.close()));
});

async function bot(handler: BotHandler): Promise<LoopbackBot> {
  const started = await startLoopbackBot(handler);
  bots.push(started);
  return started;
}

/** Retries wait through this: it records the delays asked for and waits 1 ms instead. */
function recordingSleep(delays: number[]): AgentDeps['sleep'] {
  return async (ms, signal) => {
    delays.push(ms);
    if (signal.aborted) throw signal.reason;
    await new Promise((r) => setTimeout(r, 1));
  };
}

async function httpAgent(raw: Record<string, unknown>, deps: Partial<AgentDeps> = {}): Promise<Agent> {
  const config = AgentConfigSchema.parse({ kind: 'http', ...raw });
  return createAgent('bot', config, { configDir: '.', env: {}, ...deps });
}

const conversation = [user('I want a refund'), assistant('Sure, which order?'), user('Order 42')];

describe('http agent', () => {
  it('renders the body template, sends env headers, and maps reply, tool calls, escalation and usage', async () => {
    const b = await bot(() => ({
      body: {
        data: { reply: 'Refund started for order 42.', handoff: false },
        actions: [{ name: 'start_refund', arguments: { order: 42 } }],
        meta: { tokens: { prompt: 31, completion: 9 } },
      },
    }));
    const agent = await httpAgent(
      {
        url: `${b.url}/chat?v=1`,
        headers: { Authorization: { env: 'BOT_TOKEN', prefix: 'Bearer ' }, 'X-Team': 'support' },
        body: { conversation: '{{messages}}', text: '{{message}}', case: '{{caseId}}', session: '{{sessionId}}', turn: '{{turn}}', note: 'turn {{turn}} of {{caseId}}' },
        response: {
          reply: 'data.reply',
          toolCalls: 'actions',
          escalated: 'data.handoff',
          usage: { input: 'meta.tokens.prompt', output: 'meta.tokens.completion' },
        },
        model: 'my-bot',
      },
      { env: { BOT_TOKEN: 's3cret' } },
    );
    const testCase = makeCase();
    const reply = await agent.reply(makeInput(testCase, conversation, { turn: 1, sessionId: 'refund-1:bot:0' }));

    expect(b.requests).toHaveLength(1);
    const req = b.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/chat?v=1');
    expect(req.headers.authorization).toBe('Bearer s3cret');
    expect(req.headers['x-team']).toBe('support');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.json).toEqual({
      conversation: [
        { role: 'user', content: 'I want a refund' },
        { role: 'assistant', content: 'Sure, which order?' },
        { role: 'user', content: 'Order 42' },
      ],
      text: 'Order 42',
      case: 'refund-1',
      session: 'refund-1:bot:0',
      turn: 1,
      note: 'turn 1 of refund-1',
    });
    expect(reply).toMatchObject({
      content: 'Refund started for order 42.',
      toolCalls: [{ id: 'call_0', type: 'function', function: { name: 'start_refund', arguments: '{"order":42}' } }],
      escalated: false,
      usage: { input: 31, output: 9, cached: 0 },
      model: 'my-bot',
    });
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    expect(agent.model).toBe('my-bot');
  });

  it('uses the default body and reply path, and returns usage undefined when the bot reports none', async () => {
    const b = await bot(() => ({ body: { reply: 'hello' } }));
    const agent = await httpAgent({ url: b.url });
    const reply = await agent.reply(makeInput(makeCase(), [user('hi')], { sessionId: 's-1' }));
    expect(b.requests[0]!.json).toEqual({ messages: [{ role: 'user', content: 'hi' }], session_id: 's-1' });
    expect(reply.content).toBe('hello');
    expect(reply.usage).toBeUndefined();
    expect(reply.toolCalls).toBeUndefined();
  });

  it('maps an OpenAI-shaped response with null content and tool calls', async () => {
    const b = await bot(() => ({
      body: {
        choices: [
          {
            message: {
              content: null,
              tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'transfer_to_human', arguments: '{"reason":"angry"}' } }],
            },
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 8 } },
      },
    }));
    const agent = await httpAgent({
      url: b.url,
      response: {
        reply: 'choices[0].message.content',
        toolCalls: 'choices[0].message.tool_calls',
        usage: { input: 'usage.prompt_tokens', output: 'usage.completion_tokens', cached: 'usage.prompt_tokens_details.cached_tokens' },
      },
    });
    const reply = await agent.reply(makeInput(makeCase(), [user('I am furious')]));
    expect(reply.content).toBe('');
    expect(reply.toolCalls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'transfer_to_human', arguments: '{"reason":"angry"}' } },
    ]);
    expect(reply.usage).toEqual({ input: 20, output: 4, cached: 8 });
  });

  it('retries 500s with backoff and succeeds, with the number of requests bounded', async () => {
    const b = await bot((_req, i) => (i < 2 ? { status: 500, body: { error: 'boom' } } : { body: { reply: 'third time lucky' } }));
    const delays: number[] = [];
    const agent = await httpAgent({ url: b.url, maxRetries: 2 }, { sleep: recordingSleep(delays), random: () => 0 });
    const reply = await agent.reply(makeInput(makeCase(), [user('hi')]));
    expect(reply.content).toBe('third time lucky');
    expect(b.requests).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it('waits for Retry-After on 429 (seconds) and on 503 (an HTTP date)', async () => {
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    const b = await bot((_req, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '3' }, body: { error: 'slow down' } }
        : i === 1
          ? { status: 503, headers: { 'retry-after': inTwoSeconds }, body: { error: 'busy' } }
          : { body: { reply: 'ok' } },
    );
    const delays: number[] = [];
    const agent = await httpAgent({ url: b.url, maxRetries: 3 }, { sleep: recordingSleep(delays), random: () => 0 });
    expect((await agent.reply(makeInput(makeCase(), [user('hi')]))).content).toBe('ok');
    expect(b.requests).toHaveLength(3);
    expect(delays[0]).toBe(3_000);
    expect(delays[1]).toBeGreaterThan(0);
    expect(delays[1]).toBeLessThanOrEqual(2_000);
  });

  it('really sleeps for a short Retry-After with the default timer', async () => {
    const b = await bot((_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '0.2' } } : { body: { reply: 'ok' } }));
    const agent = await httpAgent({ url: b.url, maxRetries: 1 });
    const started = performance.now();
    await agent.reply(makeInput(makeCase(), [user('hi')]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(b.requests).toHaveLength(2);
  });

  it('gives up after maxRetries on a bot that always fails, with status and attempts', async () => {
    const b = await bot(() => ({ status: 502, body: { error: 'bad gateway' } }));
    const agent = await httpAgent({ url: b.url, maxRetries: 2 }, { sleep: recordingSleep([]), random: () => 0.5 });
    const error = await agent.reply(makeInput(makeCase(), [user('hi')])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpAgentError);
    expect(error).toMatchObject({ code: 'E_PROVIDER', status: 502, attempts: 3 });
    expect((error as Error).message).toMatch(/HTTP 502 after 3 attempt\(s\): \{"error":"bad gateway"\}/);
    expect(b.requests).toHaveLength(3);
  });

  it('does not retry a 4xx', async () => {
    const b = await bot(() => ({ status: 400, body: { error: 'bad request' } }));
    const agent = await httpAgent({ url: b.url, maxRetries: 3 }, { sleep: recordingSleep([]) });
    const error = await agent.reply(makeInput(makeCase(), [user('hi')])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AGENT', status: 400, attempts: 1 });
    expect(b.requests).toHaveLength(1);
  });

  it('retries connection errors and reports attempts', async () => {
    const b = await bot(() => ({ body: { reply: 'never reached' } }));
    const url = b.url;
    await b.close();
    bots.length = 0;
    const agent = await httpAgent({ url, maxRetries: 1 }, { sleep: recordingSleep([]) });
    const error = await agent.reply(makeInput(makeCase(), [user('hi')])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PROVIDER', attempts: 2, status: undefined });
    expect((error as Error).message).toMatch(/connection failed after 2 attempt/);
  });

  it('times out a bot that hangs, promptly and without retrying', async () => {
    const b = await bot(() => ({ hang: true }));
    const agent = await httpAgent({ url: b.url, timeoutMs: 200, maxRetries: 2 });
    const started = performance.now();
    const error = await agent.reply(makeInput(makeCase(), [user('hi')])).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'E_TIMEOUT', attempts: 1 });
    expect((error as Error).message).toMatch(/no response within 200 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(3_000);
    expect(b.requests).toHaveLength(1);
  });

  it('rejects with E_ABORTED when the run is interrupted mid-request or during a backoff', async () => {
    const b = await bot((_req, i) => (i === 0 ? { hang: true } : { status: 500 }));
    const agent = await httpAgent({ url: b.url, timeoutMs: 5_000, maxRetries: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(agent.reply(makeInput(makeCase(), [user('hi')], { signal: controller.signal }))).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(performance.now() - started).toBeLessThan(2_500);

    const second = new AbortController();
    setTimeout(() => second.abort(), 100);
    await expect(agent.reply(makeInput(makeCase(), [user('hi')], { signal: second.signal }))).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('names the missing reply path and shows the start of the body', async () => {
    const b = await bot(() => ({ body: { answer: 'wrong key', detail: 'x'.repeat(500) } }));
    const agent = await httpAgent({ url: b.url, response: { reply: 'data.reply' } });
    const error = await agent.reply(makeInput(makeCase(), [user('hi')])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvotestError);
    expect(error).toMatchObject({ code: 'E_AGENT' });
    expect((error as Error).message).toMatch(/reply path "data.reply" is missing in the response: \{"answer":"wrong key"/);
    expect((error as Error).message.length).toBeLessThan(400);
  });

  it('says when the body is not JSON, after retrying it within maxRetries', async () => {
    const b = await bot(() => ({ body: '<html>oops</html>' }));
    const agent = await httpAgent({ url: b.url, maxRetries: 2 }, { sleep: recordingSleep([]) });
    const error = await agent.reply(makeInput(makeCase(), [user('hi')])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AGENT', status: 200, attempts: 3 });
    expect((error as Error).message).toMatch(/HTTP 200 after 3 attempt\(s\): response is not JSON: <html>oops<\/html>/);
    expect(b.requests).toHaveLength(3);
  });

  it('retries a 200 whose JSON is cut short, with backoff, and succeeds', async () => {
    const b = await bot((_req, i) => (i < 2 ? { body: '{"reply": "unterminated' } : { body: { reply: 'whole this time' } }));
    const delays: number[] = [];
    const agent = await httpAgent({ url: b.url, maxRetries: 2 }, { sleep: recordingSleep(delays), random: () => 0 });
    expect((await agent.reply(makeInput(makeCase(), [user('hi')]))).content).toBe('whole this time');
    expect(b.requests).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it('fails at creation when a header env var is missing, naming the variable but no value', async () => {
    const error = await httpAgent(
      { url: 'http://127.0.0.1:9/chat', headers: { Authorization: { env: 'BOT_TOKEN', prefix: 'Bearer ' } } },
      { env: { OTHER: 'x' } },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_CONFIG' });
    expect((error as Error).message).toBe('agent "bot": header "Authorization" reads env var BOT_TOKEN, which is not set');
  });

  it('fails at creation on an unknown body placeholder', async () => {
    await expect(httpAgent({ url: 'http://127.0.0.1:9/', body: { q: '{{mesage}}' } })).rejects.toThrow(/unknown \{\{mesage\}\}/);
  });

  it('sends no body with GET', async () => {
    const b = await bot(() => ({ body: { reply: 'pong' } }));
    const agent = await httpAgent({ url: `${b.url}/ping`, method: 'GET' });
    expect((await agent.reply(makeInput(makeCase(), [user('hi')]))).content).toBe('pong');
    expect(b.requests[0]).toMatchObject({ method: 'GET', text: '' });
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after': '2' }, 2_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, 7_000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});
