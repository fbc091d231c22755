import { describe, expect, it } from 'vitest';
import { HANDOFF_TOOL } from '../src/agents/baseline.js';
import { processTerm, splitPassages } from '../src/agents/passages.js';
import { caseLanguage, PHRASES } from '../src/agents/phrases.js';
import { createAgent } from '../src/agents/registry.js';
import { AgentConfigSchema } from '../src/schema/config.js';
import { assistant, makeCase, makeInput, user } from './fixtures/agents/cases.js';

const baseline = (minScore?: number) =>
  createAgent('floor', AgentConfigSchema.parse({ kind: 'baseline', ...(minScore !== undefined ? { minScore } : {}) }), {
    configDir: '.',
    env: {},
  });

describe('baseline agent', () => {
  it('answers with the best passage, lightly framed', async () => {
    const agent = await baseline();
    const reply = await agent.reply(makeInput(makeCase(), [user('I forgot my password, how do I reset it?')]));
    expect(reply.content).toBe('Here is what I found: You can reset your password from the sign-in page with "Forgot password".');
    expect(reply.toolCalls).toBeUndefined();
    expect(reply.escalated).toBeUndefined();
    expect(reply.usage).toBeUndefined();
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('picks the matching paragraph of a longer document (stems plurals)', async () => {
    const agent = await baseline();
    const reply = await agent.reply(makeInput(makeCase(), [user('Is shipping free?')]));
    expect(reply.content).toBe('Here is what I found: Shipping is free for orders above 50 euros. Standard delivery arrives in 3 to 5 days.');
    const refund = await agent.reply(makeInput(makeCase(), [user('refund please')]));
    expect(refund.content).toMatch(/^Here is what I found: Refunds are issued within 5 business days/);
  });

  it('uses earlier user turns for a follow-up that matches nothing on its own', async () => {
    const agent = await baseline();
    const reply = await agent.reply(
      makeInput(makeCase(), [user('I would like a refund'), assistant('…'), user('How long does that take?')]),
    );
    expect(reply.content).toMatch(/Refunds are issued within 5 business days/);
  });

  it('escalates with a transfer_to_human call when nothing matches', async () => {
    const agent = await baseline();
    const reply = await agent.reply(makeInput(makeCase(), [user('What is the weather like on Mars?')]));
    expect(reply.content).toBe("I'm not able to help with that here; I'm passing you to a human colleague.");
    expect(reply.escalated).toBe(true);
    expect(reply.toolCalls).toHaveLength(1);
    const call = reply.toolCalls![0]!;
    expect(call.function.name).toBe(HANDOFF_TOOL);
    expect(JSON.parse(call.function.arguments)).toEqual({ reason: 'no passage matched the question' });
  });

  it('escalates when the best passage scores under minScore, saying so in the reason', async () => {
    const agent = await baseline(3);
    const reply = await agent.reply(makeInput(makeCase(), [user('reset my password')]));
    expect(reply.escalated).toBe(true);
    expect(JSON.parse(reply.toolCalls![0]!.function.arguments).reason).toBe('the best passage matches 2 question word(s), under minScore 3');
  });

  it('escalates when the case has no knowledge', async () => {
    const agent = await baseline();
    const reply = await agent.reply(makeInput(makeCase({ knowledge: [] }), [user('reset my password')]));
    expect(reply.escalated).toBe(true);
    expect(JSON.parse(reply.toolCalls![0]!.function.arguments)).toEqual({ reason: 'the case has no knowledge documents' });
  });

  it.each([
    ['es', PHRASES.es.handoff],
    ['de-DE', PHRASES.de.handoff],
    [['fr'], PHRASES.fr.handoff],
    ['it', PHRASES.en.handoff],
  ])('hands over in the case language (%j)', async (language, sentence) => {
    const agent = await baseline();
    const reply = await agent.reply(makeInput(makeCase({ tags: { language } }), [user('¿Qué tiempo hace en Marte?')]));
    expect(reply.content).toBe(sentence);
  });

  it('frames a found passage in the case language', async () => {
    const agent = await baseline();
    const testCase = makeCase({
      tags: { language: 'es' },
      knowledge: [{ id: 'reembolsos', content: 'Los reembolsos se emiten en un plazo de 5 días hábiles.' }],
    });
    const reply = await agent.reply(makeInput(testCase, [user('¿Cuándo llegan los reembolsos?')]));
    expect(reply.content).toBe('Esto es lo que encontré: Los reembolsos se emiten en un plazo de 5 días hábiles.');
  });

  it('closes with one line after a tool result instead of calling the tool again', async () => {
    const agent = await baseline();
    const reply = await agent.reply(
      makeInput(makeCase(), [
        user('Mars weather?'),
        { role: 'assistant', content: 'x', tool_calls: [{ id: 'c1', type: 'function', function: { name: HANDOFF_TOOL, arguments: '{}' } }] },
        { role: 'tool', content: '{"queued":true}', tool_call_id: 'c1' },
      ]),
    );
    expect(reply).toMatchObject({ content: PHRASES.en.queued });
    expect(reply.toolCalls).toBeUndefined();
  });

  it.each(['Get me a real person, please.', 'Quiero hablar con una persona', 'Ich möchte einen Mitarbeiter sprechen'])(
    'escalates when the customer asks for a person: %s',
    async (text) => {
      const agent = await baseline();
      const reply = await agent.reply(makeInput(makeCase(), [user(text)]));
      expect(reply.escalated).toBe(true);
      expect(JSON.parse(reply.toolCalls![0]!.function.arguments)).toEqual({ reason: 'the customer asked for a human' });
    },
  );

  it('hands over only once in a conversation', async () => {
    const agent = await baseline();
    const first = await agent.reply(makeInput(makeCase(), [user('What is the weather like on Mars?')]));
    const later = await agent.reply(
      makeInput(makeCase(), [
        user('What is the weather like on Mars?'),
        { role: 'assistant', content: first.content, tool_calls: first.toolCalls },
        user('And on Venus?'),
      ]),
    );
    expect(later).toMatchObject({ content: PHRASES.en.queued });
    expect(later.toolCalls).toBeUndefined();
    expect(later.escalated).toBeUndefined();
  });

  it('does not repeat a passage it already quoted while another one qualifies', async () => {
    const agent = await baseline();
    const first = await agent.reply(makeInput(makeCase(), [user('refund for orders')]));
    const second = await agent.reply(makeInput(makeCase(), [user('refund for orders'), assistant(first.content), user('refund for orders?')]));
    expect(first.content).not.toBe(second.content);
    expect([first.content, second.content].some((c) => c.includes('Refunds are issued'))).toBe(true);
    expect([first.content, second.content].some((c) => c.includes('Shipping is free'))).toBe(true);
  });

  it('is deterministic', async () => {
    const a = await baseline();
    const b = await baseline();
    const input = makeInput(makeCase(), [user('refund for the returned item?')]);
    const [r1, r2, r3] = [await a.reply(input), await a.reply(input), await b.reply(input)];
    expect({ ...r1, latencyMs: 0 }).toEqual({ ...r2, latencyMs: 0 });
    expect({ ...r1, latencyMs: 0 }).toEqual({ ...r3, latencyMs: 0 });
  });
});

describe('passages', () => {
  it('splits paragraphs, and long paragraphs into sentence groups', () => {
    const long = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} explains one more detail of the policy.`).join(' ');
    const passages = splitPassages([
      { id: 'a', title: 'A', content: 'First paragraph.\n\n  Second\nparagraph.  \n\n' },
      { id: 'b', content: long },
    ]);
    expect(passages.slice(0, 2)).toEqual([
      { id: 'a#0', docId: 'a', title: 'A', text: 'First paragraph.' },
      { id: 'a#1', docId: 'a', title: 'A', text: 'Second paragraph.' },
    ]);
    const fromB = passages.filter((p) => p.docId === 'b');
    expect(fromB.length).toBeGreaterThan(1);
    expect(fromB.every((p) => p.text.length <= 300)).toBe(true);
    expect(fromB.map((p) => p.text).join(' ')).toBe(long);
  });

  it.each([
    ['Refunds', 'refund'],
    ['the', null],
    ['Rückerstattung', 'ruckerstattung'],
    ['class', 'class'],
    ['x', null],
  ])('processTerm(%j) = %j', (term, expected) => {
    expect(processTerm(term)).toBe(expected);
  });

  it('reads the language tag', () => {
    expect(caseLanguage({})).toBe('en');
    expect(caseLanguage({ language: 'FR-ca' })).toBe('fr');
  });
});
