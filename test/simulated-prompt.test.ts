import { describe, expect, it } from 'vitest';
import { SimulatedUserSchema } from '../src/schema/golden-set.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { CHAT_OPENED, EMPTY_REPLY, readSimulatorReply, SIMULATOR_MARKER, simulatorMessages, simulatorSystemPrompt } from '../src/simulator/prompt.js';

const user = SimulatedUserSchema.parse({ goal: 'Get a refund for order VL-1.', persona: 'Terse.', language: 'es', facts: { order_id: 'VL-1', vip: true } });

describe('the simulator prompt', () => {
  it('gives the goal, persona, language, facts (only when asked) and the stop token', () => {
    const prompt = simulatorSystemPrompt(user, '<<END>>');
    expect(prompt.startsWith(SIMULATOR_MARKER)).toBe(true);
    for (const part of ['Get a refund for order VL-1.', 'Terse.', 'in this language: es', '- order_id: VL-1', '- vip: true', 'only when the agent asks', 'Never act as the agent', 'end it with <<END>>']) {
      expect(prompt).toContain(part);
    }
    expect(simulatorSystemPrompt(SimulatedUserSchema.parse({ goal: 'g' }), 'X')).toContain('Nothing beyond your goal');
  });

  it('shows the conversation with the roles flipped, without tools, alternating', () => {
    const transcript: TranscriptMessage[] = [
      { role: 'user', content: 'I want a refund.', simulated: true, turn: 0 },
      { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup_order', arguments: '{}' } }], turn: 0 },
      { role: 'tool', tool_call_id: 'c1', content: '{"status":"delivered"}', turn: 0 },
      { role: 'assistant', content: 'Which order?', turn: 0 },
      { role: 'user', content: 'VL-1', simulated: true, turn: 1 },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c2', type: 'function', function: { name: 'issue_refund', arguments: '{}' } }], turn: 1 },
      { role: 'tool', tool_call_id: 'c2', content: '{}', turn: 1 },
      { role: 'assistant', content: '', turn: 1 },
    ];
    const messages = simulatorMessages(user, '###STOP###', transcript);
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: CHAT_OPENED },
      { role: 'assistant', content: 'I want a refund.' },
      { role: 'user', content: 'Let me check.\n\nWhich order?' },
      { role: 'assistant', content: 'VL-1' },
      { role: 'user', content: EMPTY_REPLY },
    ]);
    expect(messages[0]).toMatchObject({ role: 'system' });
    expect(simulatorMessages(user, '###STOP###', []).slice(1)).toEqual([{ role: 'user', content: CHAT_OPENED }]);
  });

  it.each([
    ['Thanks, that is all! ###STOP###', { message: 'Thanks, that is all!', stop: true }],
    ['###STOP###', { message: '', stop: true }],
    ['Still waiting.', { message: 'Still waiting.', stop: false }],
  ])('reads %j', (reply, expected) => {
    expect(readSimulatorReply(reply, '###STOP###')).toEqual(expected);
  });
});
