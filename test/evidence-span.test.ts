import { describe, expect, it } from 'vitest';
import { relocateSpan } from '../src/core/evidence-span.js';
import { createStoreFilter } from '../src/runner/store-filter.js';
import type { Grade } from '../src/schema/grade.js';
import { RedactionConfigSchema } from '../src/schema/redaction.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';

describe('relocateSpan', () => {
  it('moves a span past a placeholder that changed the length before it', () => {
    expect(relocateSpan('mail ana@x.io: late', 'mail [EMAIL_1]: late', 'late', 'late', [15, 19])).toEqual([16, 20]);
  });

  it('finds the same occurrence when the quote occurs more than once', () => {
    const original = 'fee $5 for a@b.co, fee $5 for c@d.co';
    const rewritten = 'fee $5 for [EMAIL_1], fee $5 for [EMAIL_2]';
    expect(relocateSpan(original, rewritten, 'fee $5', 'fee $5', [19, 25])).toEqual([22, 28]);
  });

  it('gives no span rather than a wrong one', () => {
    expect(relocateSpan('abc x@y.io', 'abc [EMAIL_1]', 'zzz', 'zzz', [0, 3])).toBeUndefined(); // the span did not hold the quote
    expect(relocateSpan('call 555 0101 now', 'call [PHONE_1] now', '555', '555', [5, 8])).toBeUndefined(); // the quote itself was redacted away
  });
});

describe('the store filter keeps evidence spans on the stored text', () => {
  it('a span after redacted PII still marks its quote in the redacted message', () => {
    const transcript: TranscriptMessage[] = [
      { role: 'user', content: 'I am ana.garcia@example.com, where is my refund?', turn: 0 },
      { role: 'assistant', content: 'Ana (ana.garcia@example.com): your refund of $4,999 was sent.', turn: 0 },
    ];
    const reply = transcript[1]!.content as string;
    const start = reply.indexOf('$4,999');
    const grades: Grade[] = [
      { grader: 'grounding', kind: 'grounding', scope: 'turn', pass: false, score: 0, evidence: [{ turn: 1, quote: '$4,999', span: [start, start + 6], note: 'unsupported amount' }] },
    ];
    const filter = createStoreFilter(RedactionConfigSchema.parse({ enabled: true }), []);
    const stored = filter({ transcript, grades });
    const content = stored.transcript[1]!.content as string;
    expect(content).not.toContain('ana.garcia@example.com');
    const ev = stored.grades[0]!.evidence![0]!;
    expect(ev.span).toBeDefined();
    expect(content.slice(ev.span![0], ev.span![1])).toBe('$4,999');
  });
});
