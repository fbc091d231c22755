import { describe, expect, it } from 'vitest';
import { checkReply, DEFAULT_GROUNDING } from '../src/grading/grounding/grounding.js';
import { Scanner } from '../src/grading/grounding/scan.js';
import { chat, graderOf, run, testCase } from './grading-helpers.js';

const KNOWLEDGE =
  'The Pro plan costs 49 dollars per month. Refunds are accepted within thirty days. Support: help@acme.example, ' +
  '+1 415 555 0132, https://acme.example/help. Order ORD-12345 shipped on 2024-05-20. The Berlin office opens at 9 a.m. ' +
  'Discounts go up to 15 percent. New York City customers get free delivery.';

const unsupported = (reply: string, sources = [KNOWLEDGE]) =>
  checkReply(reply, sources, DEFAULT_GROUNDING)
    .filter((c) => !c.supported)
    .map((c) => `${c.type}:${c.text}`);

describe('grounding claims and normalisation', () => {
  it.each([
    'The Pro plan is $49.00 a month.',
    'It costs 49 USD.',
    'You have 30 days to return it.',
    'You can return it within 30-day window.',
    'Your order ORD-12345 shipped on May 20th, 2024.',
    'It shipped on 20 May 2024.',
    'It shipped on 05/20/2024.',
    'Write to help@acme.example or call (415) 555-0132.',
    'See https://www.acme.example/help/ for more.',
    'The Berlin office opens at 9:00.',
    'You can save up to 15%.',
    'NYC customers get free delivery.',
    '1. Open the app\n2. Tap the orders tab',
  ])('supported: %j', (reply) => expect(unsupported(reply)).toEqual([]));

  it.each([
    ['The Pro plan is $59 a month.', 'money:$59'],
    ['You have 14 days to return it.', 'duration:14 days'],
    ['It shipped on May 21, 2024.', 'date:May 21, 2024'],
    ['Order ORD-99999 is late.', 'id:ORD-99999'],
    ['Email sales@acme.example.', 'email:sales@acme.example'],
    ['Our Munich office can help.', 'name:Munich'],
    ['The office opens at 8 a.m.', 'time:8 a.m.'],
    ['Discounts go up to 25%.', 'percent:25%'],
  ])('unsupported: %j', (reply, claim) => expect(unsupported(reply)).toEqual([claim]));

  it('the conversation before the reply is a source', () => {
    expect(unsupported('Thanks Maria, order 7781 is noted.', [KNOWLEDGE, 'I am Maria, my order is 7781'])).toEqual([]);
  });

  it('capitalised common words and shouting are not names', () => {
    expect(unsupported('Sure! Unfortunately That is all. Done.')).toEqual([]);
    expect(unsupported('YES! THIS IS WHAT I WANTED TO KNOW')).toEqual([]);
  });

  // false positives seen on a real model's clean replies: every sentence opener read as a name
  it.each([
    'About your order: it shipped on 2024-05-20.',
    'Instead, you can return it within 30 days.',
    'Thanks for waiting. Order ORD-12345 shipped.',
    'Meanwhile, the Berlin office opens at 9 a.m.',
    'Additionally, discounts go up to 15 percent.',
    'Regarding refunds, they are accepted within thirty days.',
    'Looking at your order, ORD-12345 shipped on May 20, 2024.',
    'Hopefully that helps!',
    'Great question. Sounds good?',
    'Enjoy your new charger!',
  ])('a sentence opener is not a name: %j', (reply) => expect(unsupported(reply)).toEqual([]));
});

describe('content support', () => {
  const g = graderOf({ name: 'grounding', kind: 'grounding' });
  const c = testCase({ knowledge: [{ id: 'k', content: KNOWLEDGE }] });

  it('the default threshold is the dev-set one; the score is the supported share of content words (stems, numbers by value) and of adjacent pairs', async () => {
    expect(g.threshold).toBe(0.8);
    const ok = await run(g, chat('Refund?', 'Refunds are accepted within 30 days of purchase.'), c);
    // words: refund, accept ✓, purchase ✗ (30 days is a claim, checked apart); pairs: "refund accept" ✓, "accept purchase" ✗
    expect(ok.turns![0]!.score).toBeCloseTo(0.9 * (2 / 3) + 0.1 * (1 / 2));
    const para = await run(g, chat('Price?', 'The Pro plan costs forty-nine dollars monthly.'), c);
    expect(para.details!['perTurn']).toMatchObject([{ support: expect.any(Number) }]);
  });

  it('an unsupported phrase is evidence; words only in the conversation count nothing, or conversation_weight', async () => {
    const talk = chat('I love hiking in the Alps', 'The Pro plan includes alpine hiking insurance.');
    const grade = await run(g, talk, c);
    expect(grade.pass).toBe(false);
    expect(grade.evidence?.map((e) => [e.quote, e.note])).toContainEqual(['includes alpine', 'unsupported phrase']);
    const supportOf = (x: typeof grade) => (x.details!['perTurn'] as Array<{ support: number }>)[0]!.support;
    // words: pro, plan ✓; hiking only from the user; includes, alpine, insurance ✗; pairs: only "pro plan" ✓ of 5
    expect(supportOf(grade)).toBeCloseTo(0.9 * (2 / 6) + 0.1 * (1 / 5));
    const half = await run(graderOf({ name: 'grounding', kind: 'grounding', conversation_weight: 0.5 }), talk, c);
    expect(supportOf(half)).toBeCloseTo(0.9 * ((1 + 1 + 0.5) / 6) + 0.1 * (1 / 5));
  });

  it('a short answer recombining source words fails; a span of the knowledge passes', async () => {
    const k = testCase({ knowledge: [{ id: 'k', content: 'Anna Smith is the chair. John Brown is the treasurer.' }] });
    // both words are in the knowledge, but not as a phrase: capped at 0.6 + 0.4 × 0/1
    const wrong = await run(g, chat('Who is the chair?', 'Anna Brown.'), k);
    expect(wrong).toMatchObject({ pass: false, score: 0.6 });
    expect(await run(g, chat('Who is the chair?', 'Anna Smith.'), k)).toMatchObject({ pass: true, score: 1 });
  });

  const supportOf = async (reply: string, knowledge = KNOWLEDGE) =>
    ((await run(g, chat('Question?', reply), testCase({ knowledge: [{ id: 'k', content: knowledge }] }))).details![
      'perTurn'
    ] as Array<{ support: number }>)[0]!.support;

  it('a statement about the speaker is not supported: "I" is a content word no source has', async () => {
    // refund, accept ✓; "I", think ✗ (pairs: "refund accept" ✓ of 3)
    expect(await supportOf('I think refunds are accepted.')).toBeCloseTo(0.9 * (2 / 4) + 0.1 * (1 / 3));
    expect(await supportOf('Refunds are accepted.')).toBe(1);
    // the agent at work, not a statement about itself: a modal or courtesy after "I"; I'll, I'd
    expect(await supportOf("I'm so sorry: refunds are accepted, I'll add.")).toBeCloseTo(0.9 * (2 / 3) + 0.1 * (1 / 2));
    expect(await supportOf('I can say refunds are accepted.')).toBeCloseTo(0.9 * (2 / 3) + 0.1 * (1 / 2));
    expect(await supportOf("I've never had a refund accepted.")).toBeLessThan(0.8);
  });

  it('fillers of talk (interjections, "actually", "for example") are not content', async () => {
    expect(await supportOf('Well, yeah, actually refunds are accepted, for example.')).toBe(1);
  });

  it('a question about the listener gives half credit to its knowledge words; a question for details gives full credit', async () => {
    const k = 'Harry Potter is a series of fantasy novels.';
    // series, fantasy, novels ✓ at half credit ("like" is a function word); pairs ✓ 2 of 2
    expect(await supportOf('Do you like that series of fantasy novels?', k)).toBeCloseTo(0.9 * (1.5 / 3) + 0.1);
    expect(await supportOf('Harry Potter is a series of fantasy novels.', k)).toBe(1);
    expect(await supportOf('Do you have the order number?', 'Give us the order number.')).toBe(1);
  });

  it('an unsupported claim scores below the threshold, ordered by how much else is supported', async () => {
    const c2 = testCase({ knowledge: [{ id: 'k', content: KNOWLEDGE }] });
    const wellSupported = await run(g, chat('Price?', 'The Pro plan costs 59 dollars per month.'), c2);
    const unsupported = await run(g, chat('Price?', 'The Gold tier costs 59 dollars per fortnight.'), c2);
    // claims: Pro ✓, 59 dollars ✗: 0.8 × (support + 1/2) / 2
    const s = (wellSupported.details!['perTurn'] as Array<{ support: number }>)[0]!.support;
    expect(wellSupported.score).toBeCloseTo((0.8 * (s + 0.5)) / 2);
    expect(unsupported.score!).toBeLessThan(wellSupported.score!);
  });

  it('a long reply repeating an earlier answer with a few new words is not a short answer', async () => {
    const answer = 'The Pro plan costs 49 dollars per month. Refunds are accepted within thirty days. New York City customers get free delivery.';
    const grade = await run(g, chat('Price?', answer, 'And then?', `${answer} Ask anytime.`), c);
    // "ask anytime" are the only new words: 0.6 under the short-answer cap, ~0.85 as a share
    expect(grade.turns![1]!.score).toBeGreaterThan(0.8);
  });

  it('an invented price fails even when every other word is supported', async () => {
    const grade = await run(g, chat('Price?', 'The Pro plan costs 59 dollars per month.'), c);
    expect(grade.pass).toBe(false);
    expect(grade.label).toBe('unsupported');
    expect(grade.evidence![0]).toMatchObject({ quote: '59 dollars', note: 'unsupported money' });
  });

  it('without knowledge, system text or tool results only claims are checked', async () => {
    expect(await run(g, chat('hi', 'Hello! Our Munich team builds rockets.'), testCase())).toMatchObject({ pass: false });
    expect(await run(g, chat('hi', 'Hello! We build rockets and boats.'), testCase())).toMatchObject({ score: 1, pass: true });
  });
});

describe('grounding grader (claims only)', () => {
  const g = graderOf({ name: 'grounding', kind: 'grounding', support: false, threshold: 1 });
  const c = testCase({ knowledge: [{ id: 'k', content: KNOWLEDGE }] });

  it('scores each reply by its supported share; the conversation by the minimum; unsupported claims are evidence', async () => {
    const transcript = chat('How much is Pro?', 'Pro is $49 per month.', 'And refunds?', 'Refunds within 30 days, or 60 days for members.');
    const grade = await run(g, transcript, c);
    expect(grade.turns!.map((t) => [t.turn, t.score])).toEqual([
      [1, 1],
      [3, 2 / 3],
    ]);
    expect(grade).toMatchObject({ score: 2 / 3, pass: false, label: 'unsupported' });
    expect(grade.evidence).toEqual([{ turn: 3, quote: '60 days', span: [27, 34], note: 'unsupported duration' }]);
  });

  it('a reply without checkable claims scores 1; knowledge-less cases still check against the conversation', async () => {
    expect(await run(g, chat('hi', 'Hello! How can I help?'), c)).toMatchObject({ score: 1, pass: true, label: 'grounded' });
    expect(await run(g, chat('my order is 5512', 'Order 5512 is on its way.'), testCase())).toMatchObject({ pass: true });
  });

  it('tool results and the case system text are sources; known_terms are always supported', async () => {
    const transcript = [
      { role: 'user' as const, content: 'status?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 't', type: 'function' as const, function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool' as const, content: '{"eta":"2024-06-02"}', tool_call_id: 't' },
      { role: 'assistant' as const, content: 'Acme Cloud says it arrives on June 2, within 3 days.' },
    ];
    const sys = testCase({ system: 'Deliveries take 3 days.' });
    const known = graderOf({ name: 'g2', kind: 'grounding', known_terms: ['Acme Cloud'], support: false, threshold: 1 });
    expect((await run(known, transcript, sys)).pass).toBe(true);
    expect((await run(g, transcript, sys)).evidence?.map((e) => e.quote)).toEqual(['Acme Cloud']);
  });

  it('names are not checked in non-English cases unless asked', async () => {
    const de = testCase({ tags: { language: 'de' } });
    expect((await run(g, chat('Hallo', 'Gerne helfe ich Ihnen bei Ihrer Frage.'), de)).pass).toBe(true);
  });
});

describe('grounding material indexed once per distinct text', () => {
  it('a grader reusing the index of a shared system text never lends one case the knowledge of another', async () => {
    const system = 'You are the Acme support agent. Deliveries take 3 days.';
    const berlin = testCase({ id: 'a', system, knowledge: [{ id: 'k', content: 'The Berlin office opens at 9 a.m. and sells the Pro plan for 49 dollars.' }] });
    const bare = testCase({ id: 'b', system });
    const reply = chat('When does the Berlin office open, and what does Pro cost?', 'The Berlin office opens at 9 a.m.; the Pro plan costs 49 dollars. Deliveries take 3 days.');
    const shared = graderOf({ name: 'grounding', kind: 'grounding' });
    const withKnowledge = await run(shared, reply, berlin);
    const withoutKnowledge = await run(shared, reply, bare);
    const again = await run(shared, reply, berlin);
    // the same as graders that never saw the other case
    expect(withoutKnowledge).toEqual(await run(graderOf({ name: 'grounding', kind: 'grounding' }), reply, bare));
    expect(withKnowledge).toEqual(await run(graderOf({ name: 'grounding', kind: 'grounding' }), reply, berlin));
    expect(again).toEqual(withKnowledge);
    expect(withKnowledge.pass).toBe(true);
    expect(withoutKnowledge.pass).toBe(false);
    expect((withoutKnowledge.evidence ?? []).map((e) => e.quote)).toEqual(expect.arrayContaining(['9 a.m.', '49 dollars']));
  });
});

describe('token scanner (no match object per token)', () => {
  const TEXT = "Café O'Neil's order #1,234.50 — naïve “quotes” don’t 12th\tvs 𝒳-ray, 3.5% e-mail\n日本語 ok";
  it.each([
    [/\d[\d,]*(?:\.\d+)?|\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*/u, /[^\d\p{L}]+/u],
    [/[\p{L}\p{N}](?:[\p{L}\p{N}'’.-]*[\p{L}\p{N}])?/u, /[^\p{L}\p{N}]+/u],
  ])('finds the spans a global exec loop finds: %s', (pattern, gap) => {
    const spans: Array<[number, number]> = [];
    for (const at = new Scanner(pattern, gap).over(TEXT); at.next(); ) spans.push([at.start, at.end]);
    const expected = [...TEXT.matchAll(new RegExp(pattern.source, 'gu'))].map((m) => [m.index, m.index + m[0].length]);
    expect(spans).toEqual(expected);
    expect(spans.length).toBeGreaterThan(10);
  });
  it('says so when the gap pattern does not fit the token pattern', () => {
    expect(() => new Scanner(/\d+/u, /[^a-z]+/u).over('abc 12').next()).toThrow(/no token at 0/);
  });
});
