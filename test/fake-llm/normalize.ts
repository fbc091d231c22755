import type { FakeChatRequest, FakeProvider, RuleMatch, TextPattern } from './types.js';

/** Marker a prompt can carry to be treated as a judge-style request. */
export const JUDGE_MARKER = '[judge]';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of an OpenAI or Anthropic content value (string or array of parts/blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (typeof block.text === 'string') parts.push(block.text);
    else if (block.type === 'tool_result') parts.push(textOf(block.content));
  }
  return parts.join('\n');
}

function isToolResultOnly(content: unknown): boolean {
  return Array.isArray(content) && content.length > 0 && content.every((b) => isObject(b) && b.type === 'tool_result');
}

/** Normalises an OpenAI chat-completions body. */
export function fromOpenAI(body: Json): FakeChatRequest {
  const raw = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const system = raw
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .join('\n');
  const messages = raw
    .filter((m) => m.role !== 'system' && m.role !== 'developer')
    .map((m) => ({ role: String(m.role), text: textOf(m.content) }));
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const tools = (Array.isArray(body.tools) ? body.tools : [])
    .map((t) => (isObject(t) && isObject(t.function) ? String(t.function.name) : ''))
    .filter(Boolean);
  const format = body.response_format;
  let structured: FakeChatRequest['structured'];
  if (isObject(format) && format.type === 'json_schema' && isObject(format.json_schema)) {
    const js = format.json_schema;
    structured = { name: String(js.name ?? 'output'), schema: isObject(js.schema) ? js.schema : {} };
  }
  const afterTool = messages.at(-1)?.role === 'tool';
  return { provider: 'openai', model: String(body.model ?? ''), system, lastUser, afterTool, messages, tools, structured, body };
}

/** Normalises an Anthropic messages body. */
export function fromAnthropic(body: Json): FakeChatRequest {
  const raw = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const messages = raw.map((m) => ({
    role: m.role === 'user' && isToolResultOnly(m.content) ? 'tool' : String(m.role),
    text: textOf(m.content),
  }));
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const rawTools = (Array.isArray(body.tools) ? body.tools : []).filter(isObject);
  const choice = body.tool_choice;
  let structured: FakeChatRequest['structured'];
  if (isObject(choice) && choice.type === 'tool' && typeof choice.name === 'string') {
    const forced = rawTools.find((t) => t.name === choice.name);
    structured = { name: choice.name, schema: isObject(forced?.input_schema) ? forced.input_schema : {} };
  }
  const tools = rawTools.map((t) => String(t.name)).filter((n) => n !== structured?.name);
  return {
    provider: 'anthropic',
    model: String(body.model ?? ''),
    system: textOf(body.system),
    lastUser,
    afterTool: messages.at(-1)?.role === 'tool',
    messages,
    tools,
    structured,
    body,
  };
}

export function normalize(provider: FakeProvider, body: Json): FakeChatRequest {
  return provider === 'openai' ? fromOpenAI(body) : fromAnthropic(body);
}

export function isJudgeRequest(req: FakeChatRequest): boolean {
  return req.structured !== undefined || req.system.includes(JUDGE_MARKER) || req.lastUser.includes(JUDGE_MARKER);
}

function test(pattern: TextPattern, text: string): boolean {
  if (typeof pattern === 'string') return text.toLowerCase().includes(pattern.toLowerCase());
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/** Whether every field of `match` holds for the request (an absent match always holds). */
export function matches(match: RuleMatch | undefined, req: FakeChatRequest): boolean {
  if (!match) return true;
  if (match.provider !== undefined && match.provider !== req.provider) return false;
  if (match.judge !== undefined && match.judge !== isJudgeRequest(req)) return false;
  if (match.afterTool !== undefined && match.afterTool !== req.afterTool) return false;
  if (match.lastUser !== undefined && !test(match.lastUser, req.lastUser)) return false;
  if (match.system !== undefined && !test(match.system, req.system)) return false;
  if (match.model !== undefined && !test(match.model, req.model)) return false;
  return true;
}
