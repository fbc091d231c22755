import { describe, expect, it } from 'vitest';
import { countTokens, createTokenizer, estimateUsage, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from '../src/models/tokenizer.js';

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
});
