import { describe, expect, it } from 'vitest';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { graderOf, run, testCase } from './grading-helpers.js';

const rules = graderOf({ name: 'rules', kind: 'rules' });

describe('rules (case patterns)', () => {
  const c = testCase({
    transcript: undefined,
    turns: [
      { user: 'hi', expect: { must_match: ['(?i)hello'] } },
      { user: 'refund?', expect: { must_not_match: ['/\\bsorry\\b/i'] } },
    ],
    expect: { must_match: ['(?i)refund'] },
  });

  it('applies only to cases with patterns', () => {
    expect(rules.appliesTo(c)).toBe(true);
    expect(rules.appliesTo(testCase())).toBe(false);
    expect(rules.appliesTo(testCase({ expect: { outcome: 'resolved' } }))).toBe(false);
  });

  it('checks per-turn patterns against the replies to that user turn (by `turn`), and conversation patterns against all', async () => {
    const transcript: TranscriptMessage[] = [
      { role: 'user', content: 'hi', turn: 0 },
      { role: 'assistant', content: 'Hello there!', turn: 0 },
      { role: 'user', content: 'refund?', turn: 1 },
      { role: 'assistant', content: 'Refunds take 5 days.', turn: 1 },
    ];
    expect(await run(rules, transcript, c)).toMatchObject({ score: 1, pass: true, details: { checks: 3, failed: 0 } });
  });

  it('a forbidden match in its own turn fails with the span as evidence; the same text in another turn does not', async () => {
    const transcript: TranscriptMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello, sorry for the wait.' },
      { role: 'user', content: 'refund?' },
      { role: 'assistant', content: 'Sorry, refunds take 5 days.' },
    ];
    const grade = await run(rules, transcript, c);
    expect(grade.score).toBeCloseTo(2 / 3);
    expect(grade.pass).toBe(false);
    expect(grade.reason).toBe('turn 1: must not match /\\bsorry\\b/i');
    expect(grade.evidence).toEqual([{ turn: 3, quote: 'Sorry', span: [0, 5], note: 'must not match: /\\bsorry\\b/i' }]);
  });

  it('a turn with no reply misses its must_match', async () => {
    const grade = await run(rules, [{ role: 'user', content: 'hi' }], c);
    expect(grade.details).toMatchObject({ failed: 2 });
  });

  it('an invalid pattern in the case is an error grade, not a fail', async () => {
    const bad = testCase({ expect: { must_match: ['(unclosed'] } });
    expect(await run(rules, [], bad)).toMatchObject({ score: null, pass: null, error: { code: 'E_GRADER' } });
  });
});
