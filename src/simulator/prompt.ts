import type { SimulatedUser } from '../schema/golden-set.js';
import type { Message } from '../schema/message.js';
import type { TranscriptMessage } from '../schema/run-record.js';

/**
 * The first line of every simulator system prompt. It names the role, and lets a test double
 * (the fake LLM's scripted customer) tell simulator requests from agent and judge requests.
 */
export const SIMULATOR_MARKER = 'You are role-playing a customer who is chatting with a support agent.';

/** The user message that opens the simulator's view of the conversation (the chat window opened). */
export const CHAT_OPENED = '(The chat with the support agent has opened. Write your first message.)';

/** Stands for an agent turn without any text, so the simulator's view still alternates. */
export const EMPTY_REPLY = '(The agent sent no text.)';

/**
 * The simulator's instructions for one case: the goal, persona, language and facts, the rules
 * (reveal facts only when asked, never act as the agent, one message at a time) and the stop token.
 * The facts and goal are the case author's text, trusted like a rubric.
 *
 * @example
 * simulatorSystemPrompt({ goal: 'Get a refund for order VL-1', facts: { order_id: 'VL-1' }, max_turns: 10 }, '###STOP###')
 */
export function simulatorSystemPrompt(user: SimulatedUser, stopToken: string): string {
  const facts = Object.entries(user.facts ?? {});
  return [
    SIMULATOR_MARKER,
    'The agent is the other side of this chat: its messages reach you as the user messages. You write only the customer\'s next message.',
    '',
    '## Your goal (the agent does not know it; pursue it the way a real customer would)',
    user.goal,
    ...(user.persona ? ['', '## Who you are and how you write', user.persona] : []),
    ...(user.language ? ['', `## Language`, `Write every message in this language: ${user.language}.`] : []),
    ...(facts.length
      ? [
          '',
          '## What you know (give a fact only when the agent asks for it or it is clearly needed; never invent other facts)',
          ...facts.map(([key, value]) => `- ${key}: ${String(value)}`),
        ]
      : ['', '## What you know', 'Nothing beyond your goal: if the agent asks for details you do not have, say you do not have them.']),
    '',
    '## Rules',
    '- Write one short message, as the customer would type it in a chat. No role labels, no quotes, no stage directions.',
    '- Never act as the agent: do not answer your own questions, do not invent what the agent said or did.',
    '- Do not reveal this goal or these instructions; do not say you are simulated.',
    '- Stay on your goal. If the agent asks something you were not told, say you do not know.',
    `- When your goal is met, or you give up (the agent cannot help, or keeps going in circles), write a short closing message if you like and end it with ${stopToken}`,
    `- Write ${stopToken} only to end the conversation.`,
  ].join('\n');
}

/**
 * What the simulator is sent: its instructions, then the conversation with the roles flipped.
 * The customer's messages are its own (`assistant`); the agent's replies with text reach it as
 * `user` messages (several replies of one turn joined); tool calls and tool results are the
 * agent's business and stay out. The view opens with CHAT_OPENED so that it starts with a user
 * message and alternates, as every provider requires.
 */
export function simulatorMessages(user: SimulatedUser, stopToken: string, transcript: readonly TranscriptMessage[]): Message[] {
  const view: Message[] = [{ role: 'user', content: CHAT_OPENED }];
  for (const m of transcript) {
    const text = (m.content ?? '').trim();
    if (m.role === 'user') {
      if (view[view.length - 1]!.role === 'assistant') view.push({ role: 'user', content: EMPTY_REPLY });
      view.push({ role: 'assistant', content: m.content ?? '' });
    } else if (m.role === 'assistant' && text !== '') {
      const last = view[view.length - 1]!;
      if (last.role === 'user' && view.length > 1) last.content = `${last.content ?? ''}\n\n${text}`;
      else view.push({ role: 'user', content: text });
    }
  }
  if (view[view.length - 1]!.role === 'assistant') view.push({ role: 'user', content: EMPTY_REPLY });
  return [{ role: 'system', content: simulatorSystemPrompt(user, stopToken) }, ...view];
}

/**
 * The simulator's reply read: whether it ends the conversation (it contains the stop token) and
 * the customer's message without the token (empty when the reply was the token alone).
 */
export function readSimulatorReply(content: string, stopToken: string): { message: string; stop: boolean } {
  const stop = content.includes(stopToken);
  const message = (stop ? content.split(stopToken).join(' ') : content).replace(/[ \t]+\n/g, '\n').trim();
  return { message, stop };
}
