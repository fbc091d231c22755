import type { FakeChatRequest, FakeReply, FakeToolCall, ScriptRule } from './types.js';

/** Approximate tokens of a text (~4 characters per token), deterministic. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A minimal instance of a JSON Schema, so an unscripted structured request still gets valid output. */
export function sampleFromSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return sampleFromSchema(options[0]);
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleFromSchema(v)]));
    }
    case 'array':
      return typeof s.minItems === 'number' && s.minItems > 0 ? [sampleFromSchema(s.items)] : [];
    case 'string':
      return 'fake';
    case 'number':
      return typeof s.maximum === 'number' ? s.maximum : typeof s.minimum === 'number' ? s.minimum : 1;
    case 'integer':
      return typeof s.maximum === 'number' ? s.maximum : typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** The reply when no rule matches: an object sampled from the schema, or an echo of the last user message. */
export function defaultReply(req: FakeChatRequest): FakeReply {
  if (req.structured) return { structured: sampleFromSchema(req.structured.schema) };
  return { text: req.lastUser ? `echo: ${req.lastUser}` : 'ok' };
}

/** A scripted reply resolved to plain data, with ids and serialised arguments filled in. */
export interface ResolvedReply {
  text: string;
  toolCalls: { id: string; name: string; input: unknown; arguments: string }[];
  structured?: unknown;
  hasStructured: boolean;
  refusal?: string;
}

function argsOf(call: FakeToolCall): { input: unknown; arguments: string } {
  if (typeof call.arguments === 'string') {
    let input: unknown;
    try {
      input = JSON.parse(call.arguments);
    } catch {
      input = {};
    }
    return { input, arguments: call.arguments };
  }
  const input = call.arguments ?? {};
  return { input, arguments: JSON.stringify(input) };
}

export function resolveReply(rule: ScriptRule | undefined, req: FakeChatRequest, seq: number): ResolvedReply {
  const spec = rule?.reply ?? defaultReply;
  const reply = typeof spec === 'function' ? spec(req) : spec;
  if ('refusal' in reply) return { text: reply.refusal, toolCalls: [], hasStructured: false, refusal: reply.refusal };
  if ('structured' in reply) {
    return { text: JSON.stringify(reply.structured), toolCalls: [], structured: reply.structured, hasStructured: true };
  }
  if ('toolCalls' in reply) {
    const prefix = req.provider === 'openai' ? 'call' : 'toolu';
    const toolCalls = reply.toolCalls.map((c, i) => ({
      id: c.id ?? `${prefix}_fake_${seq}_${i}`,
      name: c.name,
      ...argsOf(c),
    }));
    return { text: reply.text ?? '', toolCalls, hasStructured: false };
  }
  return { text: reply.text, toolCalls: [], hasStructured: false };
}

/** Deterministic usage from text lengths (+4 tokens per message, as OpenAI counts), or the rule's figures. */
export function usageFor(
  rule: ScriptRule | undefined,
  req: FakeChatRequest,
  reply: ResolvedReply,
): { input: number; output: number; cached: number } {
  let input = approxTokens(req.system) + (req.system ? 4 : 0) + 3;
  for (const m of req.messages) input += approxTokens(m.text) + 4;
  if (req.structured) input += approxTokens(JSON.stringify(req.structured.schema));
  input += req.tools.length * 20;
  let output = approxTokens(reply.text);
  for (const c of reply.toolCalls) output += approxTokens(c.name) + approxTokens(c.arguments) + 3;
  output = Math.max(1, output);
  const u = rule?.usage ?? {};
  const finalInput = u.input ?? input;
  return { input: finalInput, output: u.output ?? output, cached: Math.min(u.cached ?? 0, finalInput) };
}
