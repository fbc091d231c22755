import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { countTokens, createTokenizer, estimateUsage, LONG_RUN, MAX_EXACT, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from '../src/models/tokenizer.js';

describe('tokenizer (o200k_base)', () => {
  it('counts tokens of known strings', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('Where is my refund?')).toBeGreaterThanOrEqual(4);
    expect(countTokens('a'.repeat(1000))).toBeLessThan(1000);
  });

  it('gives the same count from separate tokenizers', () => {
    const a = createTokenizer();
    const b = createTokenizer();
    const text = 'Convotest replays golden conversations — and grades every reply.';
    expect(a.count(text)).toBe(b.count(text));
    expect(a.count(text)).toBe(countTokens(text));
  });

  it('estimates usage with per-message overhead and marks it estimated', () => {
    const messages = [
      { content: 'You are helpful.' },
      { content: 'hello world' },
    ];
    const usage = estimateUsage(messages, 'hello world');
    expect(usage).toEqual({
      input: countTokens('You are helpful.') + 2 + 2 * TOKENS_PER_MESSAGE + TOKENS_PER_REPLY,
      output: 2,
      cached: 0,
      estimated: true,
    });
  });

  it('counts tool calls in the prompt and in the reply', () => {
    const call = { id: 'c1', type: 'function' as const, function: { name: 'lookup_order', arguments: '{"id":42}' } };
    const withTool = estimateUsage([{ content: '', tool_calls: [call] }], { content: '', toolCalls: [call] });
    expect(withTool.input).toBeGreaterThan(TOKENS_PER_MESSAGE + TOKENS_PER_REPLY);
    expect(withTool.output).toBeGreaterThan(3);
  });

  it('remembers counts of texts it has seen (conversations repeat every turn)', () => {
    const tokenizer = createTokenizer();
    const texts = Array.from({ length: 50 }, (_, i) => `Turn ${i}: the quick brown fox jumps over the lazy dog. `.repeat(20));
    tokenizer.count('warm up');
    let started = performance.now();
    const counts = texts.map((t) => tokenizer.count(t));
    const fresh = performance.now() - started;
    started = performance.now();
    const again = texts.map((t) => tokenizer.count(t));
    const remembered = performance.now() - started;
    expect(again).toEqual(counts);
    expect(remembered).toBeLessThan(fresh);
  });

  it('counts exactly while no run of letters, punctuation or spaces reaches LONG_RUN characters', () => {
    const text = `${'x'.repeat(LONG_RUN - 1)} ${'!'.repeat(LONG_RUN - 1)} ${' '.repeat(LONG_RUN - 1)}é`;
    expect(countTokens(text)).toBe(exact(text));
  });

  it('estimates a text past MAX_EXACT characters at the rate of its head', () => {
    const sentence = 'Refunds are paid within 14 days of the return. ';
    const text = sentence.repeat(Math.ceil((3 * MAX_EXACT) / sentence.length));
    const perSentence = exact(sentence.repeat(10)) / 10;
    const counted = countTokens(text) / (text.length / sentence.length);
    expect(Math.abs(counted - perSentence) / perSentence).toBeLessThan(0.02);
  });

  it.each([
    ['one long word', 'supercalifragilistic'.repeat(50)],
    ['letters after prose', `Refunds take two weeks: ${'abcdefghij'.repeat(40)} thanks`],
    ['a punctuation run', `wait${'!?'.repeat(300)}`],
    ['CJK without spaces', '退款将在十四天内到账请保留收据'.repeat(40)],
  ])('estimates a long run (%s) within a third of the exact count', (_name, text) => {
    const counted = countTokens(text);
    const truth = exact(text);
    expect(Math.abs(counted - truth) / truth).toBeLessThan(1 / 3);
  });

  // Guards against the quadratic blow-up (a 20,000-letter word took 30 s; 1 MB would take hours),
  // so the bound is generous: the bounded count takes milliseconds.
  it.each([
    ['a 1 MB word', 'a'.repeat(1_000_000)],
    ['1 MB of CJK', '退款'.repeat(500_000)],
    ['1 MB of emoji', '😀'.repeat(500_000)],
    ['1 MB of spaces', `${' '.repeat(1_000_000)}x`],
    ['1 MB of prose', 'Refunds are paid within 14 days of the return. '.repeat(21_000)],
    ['1 MB of base64-like text', Array.from({ length: 1_000_000 }, (_, i) => 'Ab3+/x9Q'[(i * 7919) % 8]).join('')],
  ])('counts %s in under a second', (_name, text) => {
    countTokens('warm up');
    const started = performance.now();
    const usage = estimateUsage([{ content: text }], text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(usage.input).toBeGreaterThan(1000);
    expect(usage.output).toBeGreaterThan(1000);
  });
});

let unbounded: Tiktoken | undefined;
/** The unbounded o200k count, for short texts only. */
function exact(text: string): number {
  unbounded ??= new Tiktoken(createRequire(import.meta.url)('js-tiktoken/ranks/o200k_base') as TiktokenBPE);
  return unbounded.encode(text, [], []).length;
}
