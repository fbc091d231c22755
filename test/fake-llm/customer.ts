import { z } from 'zod';
import { CHAT_OPENED, SIMULATOR_MARKER } from '../../src/simulator/prompt.js';
import type { FakeChatRequest, ScriptRule, TextPattern } from './types.js';

/**
 * The fake LLM playing a scripted customer for the simulator of `user:` cases. A simulator request
 * is recognised by its system prompt (SIMULATOR_MARKER); the roles are flipped there, so the
 * request's last user message is the agent's last reply. A script answers by rules keyed on it.
 *
 * @example
 * llm.setScript([
 *   customerRule([{ goal: 'refund', opening: 'I want a refund.', replies: [
 *     { when: 'order number', say: 'It is VL-1.' },
 *     { when: /refund (?:is )?issued/i, say: 'Great, thanks! ###STOP###' },
 *   ] }]),
 *   { reply: { text: 'What is your order number?' } }, // the agent
 * ]);
 */
export interface CustomerScript {
  /** Applies to the cases whose goal contains this (a pattern on the simulator's system prompt); default: every case. */
  goal?: TextPattern;
  /** The first message, when the case gives no `first_message` (default: "Hello, I need help."). */
  opening?: string;
  /** Tried in order on the agent's last reply; the first whose `when` matches answers `say`. */
  replies?: Array<{ when: TextPattern; say: string }>;
  /** The answer when no reply matches (default: the default stop token alone, i.e. give up). */
  otherwise?: string;
}

export const DEFAULT_STOP_TOKEN = '###STOP###';

function test(pattern: TextPattern, text: string): boolean {
  return typeof pattern === 'string' ? text.toLowerCase().includes(pattern.toLowerCase()) : pattern.test(text);
}

/** The scripted customer's next message for a simulator request. */
export function customerReply(scripts: readonly CustomerScript[], req: FakeChatRequest): string {
  const script = scripts.find((s) => s.goal === undefined || test(s.goal, req.system)) ?? {};
  if (req.lastUser === CHAT_OPENED) return script.opening ?? 'Hello, I need help.';
  const line = script.replies?.find((r) => test(r.when, req.lastUser));
  return line?.say ?? script.otherwise ?? DEFAULT_STOP_TOKEN;
}

/** One script rule answering every simulator request with the scripted customer (put it first). */
export function customerRule(scripts: readonly CustomerScript[], options: { name?: string } = {}): ScriptRule {
  return {
    name: options.name ?? 'customer',
    match: { system: SIMULATOR_MARKER },
    reply: (req) => ({ text: customerReply(scripts, req) }),
  };
}

const PatternSchema = z.union([z.string(), z.strictObject({ regex: z.string(), flags: z.string().optional() })]);

/** The JSON form (a script file's `customer` list): patterns are strings or `{ regex, flags }`. */
export const CustomerScriptSchema = z.strictObject({
  goal: PatternSchema.optional(),
  opening: z.string().optional(),
  replies: z.array(z.strictObject({ when: PatternSchema, say: z.string() })).optional(),
  otherwise: z.string().optional(),
});

const pattern = (p: z.infer<typeof PatternSchema>): TextPattern => (typeof p === 'string' ? p : new RegExp(p.regex, p.flags));

/** Scripts from their JSON form. */
export function customerScriptsOf(json: ReadonlyArray<z.infer<typeof CustomerScriptSchema>>): CustomerScript[] {
  return json.map((s) => ({
    ...(s.goal !== undefined ? { goal: pattern(s.goal) } : {}),
    ...(s.opening !== undefined ? { opening: s.opening } : {}),
    ...(s.replies ? { replies: s.replies.map((r) => ({ when: pattern(r.when), say: r.say })) } : {}),
    ...(s.otherwise !== undefined ? { otherwise: s.otherwise } : {}),
  }));
}
