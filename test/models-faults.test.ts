import { beforeEach, describe, expect, it } from 'vitest';
import { ConvotestError } from '../src/errors.js';
import { createChatModel } from '../src/models/index.js';
import type { Provider } from '../src/schema/config.js';
import pLimit from 'p-limit';
import { faultMix } from './fake-llm/server.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm();
beforeEach(() => {
  llm.setScript([]);
  llm.setFaults([]);
  llm.reset();
});

const KEY = 'sk-test-SECRETSECRET123456';

function model(provider: Provider, opts: { maxRetries?: number; timeoutMs?: number } = {}) {
  const env =
    provider === 'openai'
      ? { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: llm.openaiBaseURL }
      : { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseURL };
  const name = provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5';
  return createChatModel({ provider, model: name, maxRetries: 2, timeoutMs: 5_000, ...opts }, { env });
}

const hi = { messages: [{ role: 'user' as const, content: 'hello' }] };

async function failure(promise: Promise<unknown>): Promise<ConvotestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvotestError);
  return error as ConvotestError;
}

describe.each(['openai', 'anthropic'] as const)('%s faults', (provider) => {
  it('retries a 429 after retry-after and then succeeds', async () => {
    llm.setFaults([{ kind: 'rate_limit', times: 1, retryAfter: 1 }]);
    const started = performance.now();
    const reply = await model(provider).chat(hi);
    expect(reply.content).toBe('echo: hello');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(llm.counts.byOutcome).toEqual({ rate_limit: 1, ok: 1 });
    expect(llm.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  });

  it('gives up after maxRetries: E_PROVIDER naming provider, model and status', async () => {
    llm.setFaults([{ kind: 'rate_limit', retryAfter: 0, retryAfterMs: 1 }]);
    const error = await failure(model(provider, { maxRetries: 2 }).chat(hi));
    expect(error.code).toBe('E_PROVIDER');
    expect(error.message).toMatch(new RegExp(`^${provider} \\S+: HTTP 429 `));
    expect(error.cause).toBeInstanceOf(Error);
    expect(llm.counts.requests).toBe(3);
  });

  it('maps 500 and overloaded past retries to E_PROVIDER with the status', async () => {
    llm.setFaults([{ kind: 'server_error', retryAfterMs: 1 }]);
    const e500 = await failure(model(provider, { maxRetries: 1 }).chat(hi));
    expect(e500.code).toBe('E_PROVIDER');
    expect(e500.message).toContain('HTTP 500');
    expect(llm.counts.byOutcome.server_error).toBe(2);

    llm.setFaults([{ kind: 'overloaded', retryAfterMs: 1 }]);
    const over = await failure(model(provider, { maxRetries: 0 }).chat(hi));
    expect(over.message).toContain(provider === 'anthropic' ? 'HTTP 529' : 'HTTP 503');
    expect(over.message).toMatch(/overloaded/i);
  });

  it('recovers from a 500 within the retries', async () => {
    llm.setFaults([{ kind: 'server_error', times: 2, retryAfterMs: 1 }]);
    const reply = await model(provider, { maxRetries: 2 }).chat(hi);
    expect(reply.content).toBe('echo: hello');
    expect(llm.counts.requests).toBe(3);
  });

  it('maps a hang past the timeout to E_TIMEOUT, retried as configured', async () => {
    llm.setFaults([{ kind: 'timeout' }]);
    const error = await failure(model(provider, { maxRetries: 1, timeoutMs: 200 }).chat(hi));
    expect(error.code).toBe('E_TIMEOUT');
    expect(error.message).toBe(
      `${provider} ${provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5'}: timed out after 200 ms (maxRetries 1)`,
    );
    expect(llm.counts.byOutcome.timeout).toBe(2);
  });

  it('retries a 200 with malformed JSON within maxRetries and then succeeds', async () => {
    llm.setFaults([{ kind: 'malformed', times: 2 }]);
    const reply = await model(provider, { maxRetries: 2 }).chat(hi);
    expect(reply.content).toBe('echo: hello');
    expect(llm.counts.byOutcome).toEqual({ malformed: 2, ok: 1 });
  });

  it('gives up on malformed JSON after maxRetries: E_PROVIDER saying so', async () => {
    llm.setFaults([{ kind: 'malformed' }]);
    const error = await failure(model(provider, { maxRetries: 1 }).chat(hi));
    expect(error.code).toBe('E_PROVIDER');
    expect(error.message).toMatch(new RegExp(`^${provider} \\S+: malformed JSON in an HTTP 200 response: \\{"id": "broken".*\\(maxRetries 1\\)$`));
    expect(llm.counts.byOutcome.malformed).toBe(2);
  });

  it('records malformed JSON and a dropped connection as errors, and keeps serving', async () => {
    llm.setFaults([{ kind: 'malformed', times: 1 }]);
    const bad = await failure(model(provider, { maxRetries: 0 }).chat(hi));
    expect(bad.code).toBe('E_PROVIDER');
    expect(bad.message).toContain(provider);

    llm.setFaults([{ kind: 'drop', times: 1 }]);
    const dropped = await failure(model(provider, { maxRetries: 0 }).chat(hi));
    expect(dropped.code).toBe('E_PROVIDER');

    const ok = await model(provider).chat(hi);
    expect(ok.content).toBe('echo: hello');
  });

  it('never puts the API key in an error message', async () => {
    llm.setFaults([{ kind: 'auth' }]);
    const error = await failure(model(provider).chat(hi));
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('SECRETSECRET');
    expect(llm.counts.requests).toBe(1); // 401 is not retried
  });

  it('maps an abort to E_ABORTED', async () => {
    llm.setLatency(2_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(model(provider).chat({ ...hi, signal: controller.signal }));
    llm.setLatency(0);
    expect(error.code).toBe('E_ABORTED');
  });
});

describe('latency', () => {
  it('is measured with the injected clock', async () => {
    let t = 1_000;
    const now = () => {
      t += 250;
      return t;
    };
    const m = createChatModel(
      { provider: 'openai', model: 'gpt-4o' },
      { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: llm.openaiBaseURL }, now },
    );
    expect((await m.chat(hi)).latencyMs).toBe(250);
  });

  it('includes the server latency', async () => {
    llm.setScript([{ reply: { text: 'slow' }, latencyMs: 120 }]);
    const reply = await model('anthropic').chat(hi);
    expect(reply.content).toBe('slow');
    expect(reply.latencyMs).toBeGreaterThanOrEqual(110);
  });
});

describe('many concurrent calls with 20 % faults of every kind', () => {
  it('ends every call as a reply or a coded error, with retries bounded', async () => {
    llm.setFaults(
      faultMix(0.2, ['rate_limit', 'server_error', 'overloaded', 'timeout', 'malformed', 'drop'], {
        seed: 11,
        retryAfter: 0,
        retryAfterMs: 1,
      }),
    );
    const maxRetries = 2;
    const limit = pLimit(20);
    const calls = 200;
    const results = await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        limit(async () => {
          const provider = i % 2 === 0 ? 'openai' : 'anthropic';
          try {
            const reply = await model(provider, { maxRetries, timeoutMs: 1_500 }).chat({
              messages: [{ role: 'user', content: `case ${i}` }],
            });
            return reply.content === `echo: case ${i}` ? 'ok' : `wrong: ${reply.content}`;
          } catch (error) {
            return error instanceof ConvotestError ? error.code : `uncoded: ${String(error)}`;
          }
        }),
      ),
    );
    const tally = new Map<string, number>();
    for (const r of results) tally.set(r, (tally.get(r) ?? 0) + 1);
    expect([...tally.keys()].every((k) => ['ok', 'E_PROVIDER', 'E_TIMEOUT'].includes(k)), JSON.stringify([...tally])).toBe(true);
    expect(tally.get('ok')).toBeGreaterThan(calls * 0.8);
    const counts = llm.counts;
    // a reply the server sent may still arrive after a loaded client's timeout (then retried)
    expect(counts.byOutcome.ok).toBeGreaterThanOrEqual(tally.get('ok') ?? 0);
    expect(counts.requests).toBeGreaterThan(calls);
    expect(counts.requests).toBeLessThanOrEqual(calls * (maxRetries + 1));
  }, 60_000);
});
