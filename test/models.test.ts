import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConvotestError } from '../src/errors.js';
import { createChatModel, missingKey, StructuredOutputError } from '../src/models/index.js';
import type { Provider } from '../src/schema/config.js';
import { startFakeLlm } from './fake-llm/server.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm();

const KEY = 'test-key-abcdef123456';

function model(provider: Provider, extra: Record<string, unknown> = {}) {
  const env =
    provider === 'openai'
      ? { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: llm.openaiBaseURL }
      : { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseURL };
  const name = provider === 'openai' ? 'gpt-4o-mini' : 'claude-sonnet-4-6';
  return createChatModel({ provider, model: name, maxRetries: 2, timeoutMs: 5_000, ...extra }, { env });
}

function lastBody(): Record<string, unknown> {
  const last = llm.requests[llm.requests.length - 1];
  return last?.body as Record<string, unknown>;
}

const Verdict = z.object({ reasoning: z.string(), score: z.number().min(0).max(1), pass: z.boolean() });

describe.each(['openai', 'anthropic'] as const)('%s over the fake server', (provider) => {
  it('returns text, usage, latency and the reported model', async () => {
    llm.setScript([
      { match: { lastUser: 'refund' }, reply: { text: 'Your refund is on its way.' }, model: `${provider}-dated-2025-01-01`, usage: { cached: 2 } },
    ]);
    const reply = await model(provider).chat({
      messages: [
        { role: 'system', content: 'You are a support agent.' },
        { role: 'user', content: 'Where is my refund?' },
      ],
    });
    expect(reply.content).toBe('Your refund is on its way.');
    expect(reply.toolCalls).toEqual([]);
    expect(reply.model).toBe(`${provider}-dated-2025-01-01`);
    expect(reply.usage.input).toBeGreaterThan(5);
    expect(reply.usage.output).toBe(Math.ceil('Your refund is on its way.'.length / 4));
    expect(reply.usage.cached).toBe(2);
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    const body = lastBody();
    if (provider === 'anthropic') {
      expect(body.system).toBe('You are a support agent.');
      expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Where is my refund?' }] }]);
      const h = llm.requests.at(-1)?.headers;
      expect(h?.['x-api-key'] ?? h?.authorization).toContain(KEY);
    } else {
      expect(body.messages).toEqual([
        { role: 'system', content: 'You are a support agent.' },
        { role: 'user', content: 'Where is my refund?' },
      ]);
      expect(llm.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    }
  });

  it('round-trips tool calls both ways', async () => {
    llm.setScript([
      {
        match: { lastUser: 'order 42', afterTool: false },
        reply: { toolCalls: [{ name: 'lookup_order', arguments: { id: 42 }, id: 'call_1' }] },
      },
      { reply: (req) => ({ text: `tool said: ${req.messages.at(-1)?.text}` }) },
    ]);
    const m = model(provider);
    const tools = [{ name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { id: { type: 'number' } } } }];
    const first = await m.chat({ messages: [{ role: 'user', content: 'Status of order 42?' }], tools });
    expect(first.toolCalls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":42}' } }]);
    expect(first.finishReason).toBe(provider === 'openai' ? 'tool_calls' : 'tool_use');
    const second = await m.chat({
      messages: [
        { role: 'user', content: 'Status of order 42?' },
        { role: 'assistant', content: '', tool_calls: first.toolCalls },
        { role: 'tool', content: 'shipped', tool_call_id: 'call_1' },
      ],
      tools,
    });
    expect(second.content).toBe('tool said: shipped');
    const body = lastBody();
    if (provider === 'anthropic') {
      expect(body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Status of order 42?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'lookup_order', input: { id: 42 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'shipped' }] },
      ]);
      expect(body.tools).toEqual([{ name: 'lookup_order', description: 'Find an order', input_schema: tools[0]?.parameters }]);
    } else {
      expect((body.messages as unknown[])[2]).toEqual({ role: 'tool', content: 'shipped', tool_call_id: 'call_1' });
      expect(body.tools).toEqual([{ type: 'function', function: tools[0] }]);
    }
  });

  it('asks for structured output and returns the parsed object', async () => {
    llm.setScript([{ match: { judge: true }, reply: { structured: { reasoning: 'fine', score: 0.8, pass: true } } }]);
    const reply = await model(provider).chat({
      messages: [{ role: 'user', content: 'Grade this.' }],
      schema: { name: 'verdict', schema: Verdict },
    });
    expect(reply.parsed).toEqual({ reasoning: 'fine', score: 0.8, pass: true });
    const body = lastBody();
    const jsonSchema = {
      type: 'object',
      properties: { reasoning: { type: 'string' }, score: { type: 'number', minimum: 0, maximum: 1 }, pass: { type: 'boolean' } },
      required: ['reasoning', 'score', 'pass'],
      additionalProperties: false,
    };
    if (provider === 'openai') {
      expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'verdict', schema: jsonSchema, strict: true } });
    } else {
      expect(body.tool_choice).toEqual({ type: 'tool', name: 'verdict' });
      expect(body.tools).toEqual([{ name: 'verdict', description: expect.any(String), input_schema: jsonSchema }]);
    }
  });

  it('keeps a refusal as the reply, and reports it as unparsable structured output', async () => {
    llm.setScript([{ reply: { refusal: 'I cannot help with that.' } }]);
    const m = model(provider);
    const reply = await m.chat({ messages: [{ role: 'user', content: 'x' }] });
    expect(reply.content).toBe('I cannot help with that.');
    expect(reply.finishReason).toBe(provider === 'openai' ? 'stop' : 'refusal');
    const error = await m
      .chat({ messages: [{ role: 'user', content: 'Grade.' }], schema: { name: 'verdict', schema: Verdict } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_JUDGE_PARSE', raw: 'I cannot help with that.' });
  });

  it('throws E_JUDGE_PARSE with the raw text when the answer does not fit the schema', async () => {
    llm.setScript([{ match: { judge: true }, reply: { structured: { reasoning: 'x', score: 7, pass: true } } }]);
    const error = await model(provider)
      .chat({ messages: [{ role: 'user', content: 'Grade.' }], schema: { name: 'verdict', schema: Verdict } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).code).toBe('E_JUDGE_PARSE');
    expect((error as StructuredOutputError).raw).toBe('{"reasoning":"x","score":7,"pass":true}');
  });
});

describe('anthropic message mapping', () => {
  it('opens with a user turn, fills empty user text and merges same-role turns', async () => {
    llm.setScript([]);
    await model('anthropic').chat({
      messages: [
        { role: 'system', content: 'sys A' },
        { role: 'assistant', content: 'Hi! How can I help?' },
        { role: 'user', content: '' },
        { role: 'user', content: 'refund please' },
        { role: 'system', content: 'sys B' },
      ],
    });
    const body = lastBody();
    expect(body.system).toBe('sys A\n\nsys B');
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: '(conversation start)' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hi! How can I help?' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: '(empty message)' },
          { type: 'text', text: 'refund please' },
        ],
      },
    ]);
  });
});

describe('structured output details', () => {
  it('turns strict mode off when the schema has optional fields', async () => {
    llm.setScript([]);
    const Loose = z.object({ score: z.number(), note: z.string().optional() });
    const reply = await model('openai').chat({ messages: [{ role: 'user', content: 'g' }], schema: { name: 'v', schema: Loose } });
    expect(reply.parsed).toEqual({ score: 1, note: 'fake' });
    expect((lastBody().response_format as { json_schema: { strict: boolean } }).json_schema.strict).toBe(false);
  });

  it('accepts an Anthropic text answer that is valid JSON, and reports one that is not', async () => {
    llm.setScript([{ times: 1, reply: { text: '{"reasoning":"r","score":1,"pass":false}' } }, { reply: { text: 'I think it passes.' } }]);
    const ok = await model('anthropic').chat({ messages: [{ role: 'user', content: 'g' }], schema: { name: 'verdict', schema: Verdict } });
    expect(ok.parsed).toEqual({ reasoning: 'r', score: 1, pass: false });
    const error = await model('anthropic')
      .chat({ messages: [{ role: 'user', content: 'g' }], schema: { name: 'verdict', schema: Verdict } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).raw).toBe('I think it passes.');
  });
});

describe('usage', () => {
  it('is estimated with the tokenizer, and marked, when a compatible server reports none', async () => {
    llm.setScript([{ reply: { text: 'hello world' }, omitUsage: true }]);
    const reply = await model('openai').chat({ messages: [{ role: 'user', content: 'hello world' }] });
    expect(reply.usage).toEqual({ input: 2 + 4 + 3, output: 2, cached: 0, estimated: true });
  });
});

describe('parameters a model refuses', () => {
  it('drops temperature and swaps max_tokens when the OpenAI API refuses them, once per model', async () => {
    const strict = await startFakeLlm({ rejectParams: ['temperature', 'max_tokens'] });
    try {
      const m = createChatModel(
        { provider: 'openai', model: 'o4-mini', baseURL: strict.openaiBaseURL, temperature: 0 },
        { env: { OPENAI_API_KEY: 'k' } },
      );
      const first = await m.chat({ messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 50 } });
      expect(first.content).toBe('echo: hi');
      const second = await m.chat({ messages: [{ role: 'user', content: 'again' }], params: { maxTokens: 50 } });
      expect(second.content).toBe('echo: again');
      expect(strict.requests.map((r) => r.outcome)).toEqual(['bad_request', 'bad_request', 'ok', 'ok']);
      const last = strict.requests.at(-1)?.body as Record<string, unknown>;
      expect(last.temperature).toBeUndefined();
      expect(last.max_completion_tokens).toBe(50);
    } finally {
      await strict.close();
    }
  });

  it('still fails with E_PROVIDER on a 400 it cannot adapt', async () => {
    const strict = await startFakeLlm({ rejectParams: ['tools'] });
    try {
      const m = createChatModel({ provider: 'openai', model: 'x', baseURL: strict.openaiBaseURL }, { env: { OPENAI_API_KEY: 'k' } });
      const error = await m
        .chat({ messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', parameters: {} }] })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_PROVIDER' });
      expect((error as Error).message).toContain('HTTP 400 invalid_request_error');
      expect(strict.counts.requests).toBe(1);
    } finally {
      await strict.close();
    }
  });
});

describe('configuration', () => {
  it('reports a missing key as a reason, and refuses to build without it', () => {
    expect(missingKey({ provider: 'openai', model: 'gpt-4o' }, {})).toBe('OPENAI_API_KEY is not set');
    expect(missingKey({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKeyEnv: 'MY_KEY' }, {})).toBe('MY_KEY is not set');
    expect(missingKey({ provider: 'anthropic', model: 'x' }, { ANTHROPIC_API_KEY: 'k' })).toBeUndefined();
    expect(() => createChatModel({ provider: 'openai', model: 'gpt-4o' }, { env: {} })).toThrow(ConvotestError);
  });

  it('sends through an injected fetch', async () => {
    llm.setScript([]);
    const seen: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    for (const provider of ['openai', 'anthropic'] as const) {
      const env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k', OPENAI_BASE_URL: llm.openaiBaseURL, ANTHROPIC_BASE_URL: llm.anthropicBaseURL };
      const m = createChatModel({ provider, model: 'm' }, { env, fetch: fetchSpy });
      expect((await m.chat({ messages: [{ role: 'user', content: 'via spy' }] })).content).toBe('echo: via spy');
    }
    expect(seen).toEqual([`${llm.openaiBaseURL}/chat/completions`, `${llm.anthropicBaseURL}/v1/messages`]);
  });

  it('reaches an OpenAI-compatible server through baseURL in the ref', async () => {
    llm.setScript([]);
    const m = createChatModel(
      { provider: 'openai', model: 'llama3', baseURL: llm.openaiBaseURL, apiKeyEnv: 'LOCAL_KEY' },
      { env: { LOCAL_KEY: 'dummy' } },
    );
    const reply = await m.chat({ messages: [{ role: 'user', content: 'ping' }], params: { maxTokens: 10 } });
    expect(reply.content).toBe('echo: ping');
    expect(lastBody().max_tokens).toBe(10);
  });
});
