import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretScrubber, mapStrings, SECRET_PATTERNS } from '../src/core/redact-secrets.js';
import { configForRecord, secretValues } from '../src/io/secrets.js';
import { createStoreFilter } from '../src/runner/store-filter.js';
import type { Grade } from '../src/schema/grade.js';
import { RedactionConfigSchema } from '../src/schema/redaction.js';

describe('createSecretScrubber', () => {
  const scrub = createSecretScrubber(['s3cret-token-value', 'a"quoted\\secret', 'short']);

  it.each([
    ['the value as is', 'bad token s3cret-token-value here', 'bad token [SECRET] here'],
    ['the value JSON-escaped', '{"key":"a\\"quoted\\\\secret"}', '{"key":"[SECRET]"}'],
    ['the value URL-encoded', '?k=a%22quoted%5Csecret', '?k=[SECRET]'],
    ['an echoed header object', '{"authorization":"Basic dXNlcjpwYXNz","x-team":"support"}', '{"authorization":"[SECRET]","x-team":"support"}'],
    ['a header line', 'X-Api-Key: abc123\nAccept: */*', 'X-Api-Key: [SECRET]\nAccept: */*'],
    ['a key-shaped string it was not told', 'used sk-proj-abcdefghijklmnopqrstuvwx', 'used [SECRET]'],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123', '[SECRET]'],
  ])('replaces %s', (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it('leaves ordinary text, short values and error codes alone, and is idempotent', () => {
    const text = 'invalid_api_key: Incorrect API key provided (short answer)';
    expect(scrub(text)).toBe(text);
    const once = scrub('{"x-api-key":"abcdef123"}');
    expect(once).toBe('{"x-api-key":"[SECRET]"}');
    expect(scrub(once)).toBe(once);
  });
});

describe('createSecretScrubber skips texts with no credential-shaped literal', () => {
  // What the scrubber did before the quick pre-check: every pattern, on every text.
  const headerLike = /(?<![\w-])((?:proxy-)?authorization|x-api-key|api[-_]?key|x-auth-token|x-access-token|access[-_]?token|cookie|set-cookie)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[SECRET\])([^"'\\\r\n,;})\]<>]+)/gi;
  const everyPattern = (text: string) => {
    let out = text.replace(headerLike, (m, name: string, sep: string, value: string) => (value.trim() === '' ? m : `${name}${sep}[SECRET]`));
    for (const { re } of SECRET_PATTERNS) out = out.replace(re, '[SECRET]');
    return out;
  };
  const fragments = [
    'sk-', 'sk-ant-', 'sk-proj-', 'AKIA', 'ASIA', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'github_pat_', 'xoxb-', 'xoxp-', 'AIza', 'Bearer ', 'bearer\t',
    'Authorization', 'Proxy-Authorization', 'X-Api-Key', 'api_key', 'apikey', 'X-Auth-Token', 'access_token', 'x-access-token', 'Cookie', 'set-cookie',
    ': ', '=', '":"', '"', ' ', '\n', ',', 'ABCDEFGHIJKLMNOP', 'abcdefghij0123456789', '_-', 'Z9', 'é',
  ];
  it('changes exactly what running every pattern changes (property)', () => {
    const scrub = createSecretScrubber([]);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 4 })), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(scrub(text)).toBe(everyPattern(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('secretValues', () => {
  const config = {
    agents: {
      bot: {
        kind: 'http',
        headers: { 'x-api-key': { env: 'BOT_KEY' }, Authorization: 'Bearer literal-token-123', 'X-Team': 'support' },
      },
      gpt: { kind: 'model', provider: 'openai', apiKeyEnv: 'MY_OPENAI', baseURLEnv: 'MY_BASE' },
      local: { kind: 'model', provider: 'openai', baseURL: 'https://user:p%40ss@llm.internal/v1' },
    },
    signingKeyEnv: 'SIGNING_KEY',
  };
  const env = {
    BOT_KEY: 'bot-key-value',
    MY_OPENAI: 'openai-key-value',
    MY_BASE: 'http://127.0.0.1:8080/v1',
    SIGNING_KEY: 'hmac-key-value',
    OPENAI_API_KEY: 'default-openai-key',
    ANTHROPIC_API_KEY: 'default-anthropic-key',
    UNRELATED: 'not-named-by-the-config',
  };

  it('collects every env var the config names, default provider keys, credential literals and URL passwords', () => {
    expect(new Set(secretValues(config, env))).toEqual(
      new Set([
        'bot-key-value',
        'openai-key-value',
        'hmac-key-value',
        'default-openai-key',
        'default-anthropic-key',
        'Bearer literal-token-123',
        'literal-token-123',
        'p@ss',
        'user',
      ]),
    );
  });

  it('keeps base URLs without credentials and plain headers out (they are not secrets)', () => {
    const values = secretValues(config, env);
    expect(values).not.toContain('http://127.0.0.1:8080/v1');
    expect(values).not.toContain('support');
    expect(values).not.toContain('not-named-by-the-config');
  });

  it('configForRecord hides literal credential headers and keeps env names', () => {
    const recorded = configForRecord(config);
    expect(recorded.agents.bot.headers).toEqual({ 'x-api-key': { env: 'BOT_KEY' }, Authorization: '[SECRET]', 'X-Team': 'support' });
    expect(config.agents.bot.headers.Authorization).toBe('Bearer literal-token-123');
  });
});

describe('createStoreFilter', () => {
  const grade = (extra: Partial<Grade>): Grade => ({ grader: 'g', kind: 'k', scope: 'conversation', score: 1, pass: true, ...extra });
  const transcript = [
    { role: 'user' as const, content: 'I am ana@example.com, card 4111 1111 1111 1111, phone +34 612 345 678' },
    { role: 'assistant' as const, content: 'Noted, ana@example.com.' },
  ];
  const grades = [
    grade({
      reason: 'leaked ana@example.com',
      evidence: [{ turn: 1, quote: 'ana@example.com', note: 'email ana@example.com' }],
      turns: [{ turn: 1, score: 0, pass: false, reason: 'email ana@example.com' }],
      details: {
        claims: [{ text: 'call +34 612 345 678', supported: false }],
        overlap: { numbers: { answer: ['4111111111111111', '34612345678', '14'], count: 4111111111111111 } },
      },
    }),
    grade({ score: null, pass: null, error: { code: 'E_PROVIDER', message: 'HTTP 500: token s3cret-token-value for bob@example.com' } }),
  ];

  it('with redaction on, leaves no PII in transcript, reasons, evidence, turns, details, errors or knowledge', () => {
    const filter = createStoreFilter(RedactionConfigSchema.parse({ enabled: true }), ['s3cret-token-value']);
    const out = filter({
      transcript,
      grades,
      error: { code: 'E_AGENT', message: 'bot said ana@example.com' },
      knowledge: [{ id: 'kb', title: 'Ana (ana@example.com)', content: 'Card on file 4111 1111 1111 1111' }],
    });
    const text = JSON.stringify(out);
    for (const planted of ['ana@example.com', '4111 1111 1111 1111', '4111111111111111', '612 345 678', '34612345678', 'bob@example.com', 's3cret-token-value']) {
      expect(text).not.toContain(planted);
    }
    expect(out.transcript[0]?.content).toBe('I am [EMAIL_1], card [CARD_1], phone [PHONE_1]');
    expect(out.grades[0]?.details).toEqual({
      claims: [{ text: 'call [PHONE_1]', supported: false }],
      overlap: { numbers: { answer: ['[CARD_1]', '[PHONE_1]', '14'], count: '[CARD_1]' } },
    });
    expect(out.grades[1]?.error?.message).toBe('HTTP 500: token [SECRET] for [EMAIL_2]');
    expect(out.error?.message).toBe('bot said [EMAIL_1]');
    expect(out.knowledge).toEqual([{ id: 'kb', title: 'Ana ([EMAIL_1])', content: 'Card on file [CARD_1]' }]);
  });

  it('with redaction off, scrubs only the secrets', () => {
    const out = createStoreFilter(RedactionConfigSchema.parse({}), ['s3cret-token-value'])({ transcript, grades });
    expect(out.transcript).toEqual(transcript);
    expect(out.grades[0]).toEqual(grades[0]);
    expect(out.grades[1]?.error?.message).toBe('HTTP 500: token [SECRET] for bob@example.com');
    expect(out.counts).toEqual({});
  });

  it('mapStrings maps keys and values, and numbers when asked', () => {
    expect(mapStrings({ a: ['x', 1, { b: 'x' }], x: null }, (s) => s.toUpperCase(), (n) => n + 1)).toEqual({ A: ['X', 2, { B: 'X' }], X: null });
  });

  it('mapStrings returns the value itself when nothing changed, and shares the unchanged parts of a copy', () => {
    const value = { a: ['x', 1, { b: 'y' }], c: { d: 'z' } };
    expect(mapStrings(value, (s) => s)).toBe(value);
    const out = mapStrings(value, (s) => (s === 'x' ? 'X' : s)) as typeof value;
    expect(out).toEqual({ a: ['X', 1, { b: 'y' }], c: { d: 'z' } });
    expect(value.a[0]).toBe('x');
    expect(out.c).toBe(value.c);
    expect(out.a[2]).toBe(value.a[2]);
  });

  it('stores a message or grade with nothing to rewrite as it is (no copy per result), and copies only what changed', () => {
    const clean = [{ role: 'user' as const, content: 'What is six times seven?' }, { role: 'assistant' as const, content: 'It is 42.' }];
    const cleanGrades = [grade({ reason: 'all 1 checks passed', details: { checks: 1, results: [{ turn: null, missing: [] }] } })];
    const out = createStoreFilter(RedactionConfigSchema.parse({}), ['s3cret-token-value'])({ transcript: clean, grades: cleanGrades });
    expect(out.transcript).toBe(clean);
    expect(out.grades).toBe(cleanGrades);
    const leaky = [...clean, { role: 'assistant' as const, content: 'the token is s3cret-token-value' }];
    const scrubbed = createStoreFilter(RedactionConfigSchema.parse({}), ['s3cret-token-value'])({ transcript: leaky, grades: cleanGrades });
    expect(scrubbed.transcript.map((m) => m.content)).toEqual(['What is six times seven?', 'It is 42.', 'the token is [SECRET]']);
    expect(scrubbed.transcript[0]).toBe(clean[0]);
    expect(leaky[2]?.content).toBe('the token is s3cret-token-value');
  });
});
