/**
 * An example `module` agent: a small rule-based support bot with memory of the conversation's
 * topic. Point a variant at it with:
 *
 *   agents:
 *     rules:
 *       kind: module
 *       path: examples/bots/support-bot.ts
 *       options: { signature: "— Acme support" }
 *
 * The function gets the conversation so far (`messages`), the case, the turn, a session id, an
 * abort signal and the variant's `options`; it returns at least `{ content }`, optionally
 * `toolCalls`, `usage`, `model` and `escalated`.
 */
import type { AgentFunction } from '../../src/agents/agent.js';

const TOPICS: Array<{ topic: string; words: RegExp; answer: string }> = [
  {
    topic: 'refund',
    words: /\brefund|money back|reembols|rückerstatt|rembours/i,
    answer: 'Refunds are issued within 5 business days once the returned item reaches our warehouse.',
  },
  {
    topic: 'password',
    words: /\bpassword|log ?in|sign ?in|contraseña|passwort|mot de passe/i,
    answer: 'You can reset your password from the sign-in page with "Forgot password".',
  },
  {
    topic: 'delivery',
    words: /\bdeliver|shipping|parcel|package|envío|lieferung|livraison/i,
    answer: 'Standard delivery takes 3 to 5 business days; you get a tracking link by email.',
  },
];

const WANTS_HUMAN = /\b(human|agent|person|someone real|operator)\b/i;

const supportBot: AgentFunction = ({ messages, options, turn }) => {
  const last = messages.at(-1);
  if (last?.role === 'tool') return { content: 'Thanks for waiting: a colleague will join this chat shortly.' };
  const userTexts = messages.filter((m) => m.role === 'user').map((m) => m.content ?? '');
  const question = userTexts.at(-1) ?? '';
  const signature = typeof options.signature === 'string' ? ` ${options.signature}` : '';

  if (WANTS_HUMAN.test(question)) {
    return {
      content: `Of course, I am transferring you to a colleague now.${signature}`,
      toolCalls: [
        {
          id: `call_transfer_${turn}`,
          type: 'function',
          function: { name: 'transfer_to_human', arguments: JSON.stringify({ reason: 'customer asked for a human' }) },
        },
      ],
      escalated: true,
    };
  }
  // The newest message that names a topic decides, so "how long does that take?" after a
  // question about refunds is answered about refunds.
  for (const text of [...userTexts].reverse()) {
    const hit = TOPICS.find((t) => t.words.test(text));
    if (hit) return { content: `${hit.answer}${signature}` };
  }
  return { content: `Sorry, I can help with refunds, passwords and delivery. You said: "${question}".${signature}` };
};

export default supportBot;
