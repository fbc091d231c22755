import { describe, expect, it } from 'vitest';
import { argumentsMatch, looseEqual, matchTools } from '../src/grading/outcomes/tools.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { chat, graderOf, run, testCase } from './grading-helpers.js';

const call = (name: string, args: unknown, id = name): TranscriptMessage => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
});

describe('escalation', () => {
  const g = graderOf({ name: 'escalation', kind: 'escalation' });
  const expectEscalated = testCase({ expect: { outcome: 'escalated' } });

  it.each([
    ['handoff tool call', [...chat('I want a person'), call('transfer_to_human_agents', { summary: 'x' })]],
    ['English phrase', chat('I want a person', "I'm transferring you to a human agent now.")],
    ['Spanish phrase', chat('quiero una persona', 'Te paso con un agente ahora mismo.')],
    ['German phrase', chat('Mensch bitte', 'Ich verbinde Sie mit einem Mitarbeiter.')],
    ['French phrase', chat('un humain svp', 'Je vous transfère à un conseiller.')],
    ['accepted offer', chat('this is useless', 'Would you like me to transfer you to a human agent?', 'Yes please')],
  ])('detects a handoff: %s', async (_, transcript) => {
    const grade = await run(g, transcript as TranscriptMessage[], expectEscalated);
    expect(grade).toMatchObject({ score: 1, pass: true, label: 'escalated' });
    expect(grade.details).toMatchObject({ escalated: true, expectedEscalation: true });
    expect(grade.evidence!.length).toBeGreaterThan(0);
  });

  it('an offer that is declined, or only offered, is not a handoff', async () => {
    const declined = chat('hmm', 'Would you like me to transfer you to a human agent?', 'No, thanks.');
    expect((await run(g, declined, expectEscalated)).label).toBe('not-escalated');
    const offered = chat('hmm', 'I can transfer you to a human agent if you like.');
    expect((await run(g, offered, expectEscalated)).label).toBe('not-escalated');
  });

  it('a missed escalation fails; an unexpected one fails; no expectation means "should not escalate"', async () => {
    const missed = await run(g, chat('lawyer!', 'Please calm yourself.'), expectEscalated);
    expect(missed).toMatchObject({ score: 0, pass: false, label: 'not-escalated' });
    const unexpected = await run(g, chat('hi', "I'm transferring you to an agent."), testCase({ expect: { outcome: 'resolved' } }));
    expect(unexpected).toMatchObject({ score: 0, label: 'escalated' });
    expect(await run(g, chat('hi', 'Hello!'), testCase())).toMatchObject({ score: 1, details: { expectedOutcome: null } });
  });

  it('handoff tools are configurable globs', async () => {
    const custom = graderOf({ name: 'e', kind: 'escalation', handoff_tools: ['page_*'] });
    expect((await run(custom, [call('page_oncall', {})], expectEscalated)).label).toBe('escalated');
    expect((await run(custom, [call('transfer_to_human', {})], expectEscalated)).label).toBe('not-escalated');
  });
});

describe('fallback', () => {
  const g = graderOf({ name: 'fallback', kind: 'fallback' });
  it('scores the share of non-fallback replies, label = count, evidence = the phrase', async () => {
    const transcript = chat('asdf', "Sorry, I didn't understand that.", 'refund?', 'Refunds take 5 days.', 'qwer', 'Could you rephrase that?', 'ok', 'Done.');
    const grade = await run(g, transcript);
    expect(grade).toMatchObject({ score: 0.5, pass: false, label: '2', details: { fallbackTurns: 2, assistantTurns: 4 } });
    expect(grade.turns!.map((t) => t.label)).toEqual(['fallback', 'ok', 'fallback', 'ok']);
    expect(grade.evidence![0]!.quote).toBe("I didn't understand that");
  });
  it.each(["No he entendido, ¿puedes reformular?", 'Das habe ich leider nicht verstanden.', "Je n'ai pas compris."])('detects %j', async (text) => {
    expect((await run(g, chat('x', text))).label).toBe('1');
  });
});

describe('resolution and turns-to-resolution', () => {
  const resolution = graderOf({ name: 'resolution', kind: 'resolution' });
  const turns = graderOf({ name: 'ttr', kind: 'turns-to-resolution', target_turns: 1 });
  const refundCase = testCase({ expect: { outcome: 'resolved', tools: [{ name: 'refund', arguments: { order_id: 'A-1', amount: 20 } }] } });

  it('resolved with the expected tool call (arguments compared loosely, extra keys ignored)', async () => {
    const transcript: TranscriptMessage[] = [
      ...chat('refund A-1 please', 'Which amount?', '20 dollars'),
      call('refund', { order_id: 'a-1', amount: '20.00', reason: 'late' }),
      { role: 'tool', content: '{"ok":true}', tool_call_id: 'refund' },
      { role: 'assistant', content: 'Your refund has been processed. Is there anything else I can help with?' },
    ];
    const grade = await run(resolution, transcript, refundCase);
    expect(grade).toMatchObject({ score: 1, pass: true, label: 'resolved' });
    expect(grade.details).toMatchObject({
      detectedOutcome: 'resolved',
      expectedOutcome: 'resolved',
      toolsMatched: true,
      goalCompleted: true,
      expectedTools: ['refund'],
      missingTools: [],
      extraTools: [],
    });
    const t = await run(turns, transcript, refundCase);
    expect(t).toMatchObject({ label: '2', score: 0.5, details: { turns: 2, userTurns: 2 } });
  });

  it('lists missing tools (and when only the arguments differ) and extra tools', async () => {
    const transcript: TranscriptMessage[] = [...chat('refund A-1'), call('lookup', {}), call('refund', { order_id: 'B-2', amount: 20 }, 'r2')];
    const grade = await run(resolution, transcript, refundCase);
    expect(grade.details).toMatchObject({ toolsMatched: false, goalCompleted: false, missingTools: [{ name: 'refund', argumentsDiffer: true }], extraTools: ['lookup'] });
    expect(grade.pass).toBe(false);
    expect(grade.reason).toContain('refund (arguments differ)');
  });

  it.each([
    ['escalated', chat('lawyer', "I'm connecting you with a human agent.")],
    ['abandoned', chat('where is my order', 'Let me check.', 'forget it')],
    ['abandoned', chat('hello?')],
    ['converted', chat('buy it', 'Your order has been placed!')],
    ['unresolved', chat('hi', 'Hello! How are you?')],
  ])('detects %s', async (outcome, transcript) => {
    const grade = await run(resolution, transcript, testCase());
    expect(grade.label).toBe(outcome);
    expect(grade.details!['detectedOutcome']).toBe(outcome);
    const t = await run(turns, transcript, testCase());
    expect(t).toMatchObject({ score: outcome === 'converted' ? 1 : 0, details: { detectedOutcome: outcome } });
  });

  it('a user reply that closes the request resolves it at the answer before it; "but still" keeps it open', async () => {
    const closed = chat('Can I return it?', 'Yes, within 30 days.', 'Great, thanks!', "You're welcome.");
    expect(await run(resolution, closed, testCase())).toMatchObject({ label: 'resolved', details: { resolvingTurn: 1 } });
    expect(await run(turns, closed, testCase())).toMatchObject({ label: '1', score: 1 });
    const open = chat('Can I return it?', 'Yes, within 30 days.', "Thanks, but it still doesn't answer my question.");
    expect((await run(resolution, open, testCase())).label).toBe('abandoned');
    const bye = chat('pizza?', 'I only help with orders.', 'forget it, bye');
    expect((await run(resolution, bye, testCase())).label).toBe('abandoned');
  });

  it('the user signing up is a conversion', async () => {
    const signed = chat('Is Plus worth it?', 'Plus costs $59 a year.', 'OK, signing up now.', 'Great choice!');
    expect(await run(resolution, signed, testCase({ expect: { outcome: 'converted' } }))).toMatchObject({ pass: true, label: 'converted' });
  });

  it('turns-to-resolution applies only to cases expected to resolve or convert (or without expectation)', () => {
    expect(turns.appliesTo(testCase())).toBe(true);
    expect(turns.appliesTo(testCase({ expect: { outcome: 'converted' } }))).toBe(true);
    expect(turns.appliesTo(testCase({ expect: { outcome: 'escalated' } }))).toBe(false);
  });

  it('an expected escalation that happened resolves the resolution grader', async () => {
    const grade = await run(resolution, chat('lawyer', "I'm connecting you with a human agent."), testCase({ expect: { outcome: 'escalated' } }));
    expect(grade).toMatchObject({ score: 1, pass: true, label: 'escalated' });
  });
});

describe('tool argument matching', () => {
  it.each([
    [{ a: 1 }, { a: '1' }, true],
    [{ a: 'JFK' }, { a: ' jfk ' }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, true],
    [{ a: [{ x: 1 }] }, { a: [{ x: 1, y: null }] }, true],
    [{ a: { x: 1 } }, { a: { x: 1, y: 2 } }, false],
    [{ a: 1 }, {}, false],
    [{ a: 1 }, 'not an object', false],
  ])('%j ⊆ %j → %s', (expected, actual, ok) => expect(argumentsMatch(expected, actual)).toBe(ok));

  it('uses each call once', () => {
    const calls = [{ turn: 1, name: 'book', args: { id: 1 } }];
    const m = matchTools([{ name: 'book' }, { name: 'book' }], calls);
    expect(m).toMatchObject({ allMatched: false, matched: [{ name: 'book', turn: 1 }], missing: [{ name: 'book', argumentsDiffer: true }] });
    expect(looseEqual(1.0, '1')).toBe(true);
  });
});
