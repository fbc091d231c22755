import { beforeEach, describe, expect, it } from 'vitest';
import { FaultPlan } from './fake-llm/faults.js';
import { fromOpenAI } from './fake-llm/normalize.js';
import { parseScriptFile } from './fake-llm/script-file.js';
import { type FaultKind, type FaultRule, faultMix, JUDGE_MARKER, startFakeLlm } from './fake-llm/server.js';
import { startFakeLlmProcess } from './fake-llm/process.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm();
beforeEach(() => {
  llm.setScript([]);
  llm.setFaults([]);
  llm.setLatency(0);
  llm.reset();
});

// Wire bodies are read loosely here: the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Wire = Record<string, any>;

async function openai(body: Record<string, unknown>) {
  const res = await fetch(`${llm.openaiBaseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', ...body }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Wire };
}

async function anthropic(body: Record<string, unknown>) {
  const res = await fetch(`${llm.anthropicBaseURL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 100, ...body }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Wire };
}

const user = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('scripted replies', () => {
  it('first matching rule wins; default echoes the last user message', async () => {
    llm.setScript([
      { name: 'refund', match: { lastUser: /refund/i }, reply: { text: 'Refund issued.' } },
      { name: 'any-refund', match: { lastUser: 'refund' }, reply: { text: 'never reached' } },
      { name: 'system', match: { system: 'pirate' }, reply: { text: 'Arr.' } },
    ]);
    expect((await openai(user('I want a REFUND'))).json.choices[0].message.content).toBe('Refund issued.');
    const pirate = await openai({ messages: [{ role: 'system', content: 'You are a pirate.' }, { role: 'user', content: 'hi' }] });
    expect(pirate.json.choices[0].message.content).toBe('Arr.');
    expect((await openai(user('hello'))).json.choices[0].message.content).toBe('echo: hello');
    expect(llm.counts.byRule).toEqual({ refund: 1, system: 1, default: 1 });
  });

  it('matches on model, provider, judge-style requests and rule use counts', async () => {
    llm.setScript([
      { match: { judge: true }, reply: { structured: { score: 1 } } },
      { match: { model: /^claude-/ }, reply: { text: 'from claude rule' }, times: 1 },
      { match: { provider: 'anthropic' }, reply: { text: 'from provider rule' } },
    ]);
    expect((await anthropic(user('x'))).json.content).toEqual([{ type: 'text', text: 'from claude rule' }]);
    expect((await anthropic(user('x'))).json.content).toEqual([{ type: 'text', text: 'from provider rule' }]);
    const judged = await openai(user(`${JUDGE_MARKER} grade this`));
    expect(JSON.parse(judged.json.choices[0].message.content)).toEqual({ score: 1 });
  });

  it('calls reply functions with the normalized request', async () => {
    llm.setScript([{ reply: (req) => ({ text: `${req.provider}|${req.model}|${req.system}|${req.tools.join(',')}` }) }]);
    const r = await anthropic({
      system: [{ type: 'text', text: 'sys' }],
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      ...user('q'),
    });
    expect(r.json.content[0].text).toBe('anthropic|claude-haiku-4-5|sys|lookup');
  });

  it('answers unscripted structured requests with an instance of the schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        score: { type: 'number', minimum: 0, maximum: 1 },
        label: { type: 'string', enum: ['good', 'bad'] },
        pass: { type: 'boolean' },
      },
    };
    const o = await openai({ ...user('grade'), response_format: { type: 'json_schema', json_schema: { name: 'v', schema } } });
    expect(JSON.parse(o.json.choices[0].message.content)).toEqual({ reasoning: 'fake', score: 1, label: 'good', pass: true });
    const a = await anthropic({
      ...user('grade'),
      tools: [{ name: 'v', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'v' },
    });
    expect(a.json.content).toEqual([
      { type: 'tool_use', id: expect.any(String), name: 'v', input: { reasoning: 'fake', score: 1, label: 'good', pass: true } },
    ]);
    expect(a.json.stop_reason).toBe('tool_use');
  });

  it('reports deterministic, length-based usage in each wire format', async () => {
    const a = await openai(user('abcdefgh'));
    const b = await openai(user('abcdefgh'));
    expect(a.json.usage).toEqual(b.json.usage);
    expect(a.json.usage).toMatchObject({
      prompt_tokens: 3 + 2 + 4,
      completion_tokens: Math.ceil('echo: abcdefgh'.length / 4),
      prompt_tokens_details: { cached_tokens: 0 },
    });
    llm.setScript([{ reply: { text: 'ok' }, usage: { input: 2000, cached: 1500 } }]);
    const c = await anthropic(user('x'));
    expect(c.json.usage).toMatchObject({ input_tokens: 500, cache_read_input_tokens: 1500, output_tokens: 1 });
  });
});

describe('faults', () => {
  it('injects the first n faults, then answers', async () => {
    llm.setFaults([{ kind: 'rate_limit', times: 2, retryAfter: 3 }]);
    const first = await openai(user('x'));
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.json.error.code).toBe('rate_limit_exceeded');
    expect((await anthropic(user('x'))).json).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.any(String) },
    });
    expect((await openai(user('x'))).status).toBe(200);
    expect(llm.counts.byOutcome).toEqual({ rate_limit: 2, ok: 1 });
  });

  it('uses Anthropic 529 overloaded_error and OpenAI 503 for overloaded', async () => {
    llm.setFaults([{ kind: 'overloaded' }]);
    const a = await anthropic(user('x'));
    expect(a.status).toBe(529);
    expect(a.json.error.type).toBe('overloaded_error');
    expect((await openai(user('x'))).status).toBe(503);
  });

  it('draws probabilistic faults from a seeded PRNG: same seed, same sequence', async () => {
    const run = async (faults: FaultRule[]) => {
      llm.setFaults(faults);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await openai(user(`q${i}`))).status);
      return statuses;
    };
    const a = await run([{ kind: 'server_error', probability: 0.3, seed: 7 }]);
    const b = await run([{ kind: 'server_error', probability: 0.3, seed: 7 }]);
    const c = await run([{ kind: 'server_error', probability: 0.3, seed: 8 }]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const failures = a.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
  });

  it('hangs, then answers when a finite hang is configured', async () => {
    llm.setFaults([{ kind: 'timeout', hangMs: 150, times: 1 }]);
    const started = performance.now();
    const r = await openai(user('slow'));
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('sends a truncated JSON body, or drops the connection mid-body', async () => {
    llm.setFaults([{ kind: 'malformed', times: 1 }]);
    const res = await fetch(`${llm.openaiBaseURL}/chat/completions`, { method: 'POST', body: JSON.stringify(user('x')) });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
    llm.setFaults([{ kind: 'drop', times: 1 }]);
    const dropped = await fetch(`${llm.anthropicBaseURL}/v1/messages`, { method: 'POST', body: JSON.stringify(user('x')) });
    await expect(dropped.text()).rejects.toThrow();
    expect(llm.counts.byOutcome).toEqual({ malformed: 1, drop: 1 });
  });

  it('faultMix hits the requested share, evenly over the kinds', () => {
    const kinds: FaultKind[] = ['rate_limit', 'server_error', 'overloaded', 'timeout', 'malformed', 'drop'];
    const plan = new FaultPlan(faultMix(0.2, kinds, { seed: 3 }));
    const req = fromOpenAI({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const hits = new Map<string, number>();
    const N = 30_000;
    for (let i = 0; i < N; i++) {
      const kind = plan.next(req)?.kind ?? 'none';
      hits.set(kind, (hits.get(kind) ?? 0) + 1);
    }
    const share = (n: number | undefined) => (n ?? 0) / N;
    expect(Math.abs(1 - share(hits.get('none')) - 0.2)).toBeLessThan(0.01);
    for (const kind of kinds) expect(Math.abs(share(hits.get(kind)) - 0.2 / 6), kind).toBeLessThan(0.005);
  });

  it('applies faults only to matching requests', async () => {
    llm.setFaults([{ kind: 'server_error', match: { judge: true } }]);
    expect((await openai(user('normal'))).status).toBe(200);
    expect((await openai(user(`${JUDGE_MARKER} grade`))).status).toBe(500);
  });
});

describe('server', () => {
  it('logs every request with path, body, headers and time; 404 and 400 are answered', async () => {
    await openai({ ...user('hello'), temperature: 0 });
    const notFound = await fetch(`${llm.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    const bad = await fetch(`${llm.openaiBaseURL}/chat/completions`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    expect(llm.requests.map((r) => [r.path, r.outcome])).toEqual([
      ['/v1/chat/completions', 'ok'],
      ['/v1/embeddings', 'not_found'],
      ['/v1/chat/completions', 'bad_request'],
    ]);
    expect(llm.requests[0]?.body).toMatchObject({ temperature: 0 });
    expect(llm.requests[0]?.headers['content-type']).toBe('application/json');
    expect(llm.requests[2]?.body).toBe('not json');
    expect(llm.requests[0]?.time).toBeGreaterThan(0);
  });

  it('adds global and per-rule latency', async () => {
    llm.setLatency(300);
    let started = performance.now();
    await openai(user('x'));
    const slow = performance.now() - started;
    expect(slow).toBeGreaterThanOrEqual(295);
    llm.setScript([{ reply: { text: 'fast' }, latencyMs: 0 }]);
    started = performance.now();
    await openai(user('x'));
    // relative, so a loaded machine cannot flip it: the rule's 0 ms replaces the global 300 ms
    expect(performance.now() - started).toBeLessThan(slow);
  });

  it('reports dated model ids when asked', async () => {
    const other = await startFakeLlm({ modelIds: { 'gpt-4o': 'gpt-4o-2024-08-06' } });
    const res = await fetch(`${other.openaiBaseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o', ...user('x') }),
    });
    expect(((await res.json()) as Wire).model).toBe('gpt-4o-2024-08-06');
    await other.close();
  });

  it('closes promptly even with a request hanging', async () => {
    const other = await startFakeLlm({ faults: [{ kind: 'timeout' }] });
    const pending = fetch(`${other.openaiBaseURL}/chat/completions`, { method: 'POST', body: JSON.stringify(user('x')) }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('script files and the separate process', () => {
  it('parses regex patterns and rejects unknown fields', () => {
    const parsed = parseScriptFile({ script: [{ match: { lastUser: { regex: '^hi$', flags: 'i' } }, reply: { text: 'x' } }] });
    expect(parsed.script[0]?.match?.lastUser).toEqual(/^hi$/i);
    expect(() => parseScriptFile({ script: [{ reply: { txt: 'x' } }] })).toThrow();
    const mixed = parseScriptFile({ faultMix: { total: 0.2, kinds: ['rate_limit', 'drop'], seed: 2, retryAfterMs: 5 } });
    expect(mixed.faults.map((f) => [f.kind, f.retryAfterMs])).toEqual([
      ['rate_limit', 5],
      ['drop', 5],
    ]);
  });

  it('runs from cli.ts in a child process, controlled over HTTP', async () => {
    const proc = await startFakeLlmProcess({ script: [{ match: { lastUser: 'ping' }, reply: { text: 'pong' } }] });
    try {
      const r = await fetch(`${proc.openaiBaseURL}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', ...user('ping') }),
      });
      expect(((await r.json()) as Wire).choices[0].message.content).toBe('pong');
      expect((await proc.counts()).requests).toBe(1);
      await proc.setScript({ faults: [{ kind: 'server_error' }] });
      const failed = await fetch(`${proc.openaiBaseURL}/chat/completions`, { method: 'POST', body: JSON.stringify(user('x')) });
      expect(failed.status).toBe(500);
      expect((await proc.requests()).map((q) => q.outcome)).toEqual(['ok', 'server_error']);
      await proc.reset();
      expect((await proc.counts()).requests).toBe(0);
    } finally {
      await proc.close();
    }
  });
});
