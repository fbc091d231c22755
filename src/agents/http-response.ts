import * as z from 'zod';
import { getJsonPath } from '../core/json-path.js';
import { ConvotestError } from '../errors.js';
import type { ToolCall, Usage } from '../schema/message.js';
import { excerpt } from './http-retry.js';

/** Where the reply, tool calls, escalation flag and usage live in a bot's JSON response. */
export interface ResponseMapping {
  reply: string;
  toolCalls?: string;
  escalated?: string;
  usage?: { input: string; output: string; cached?: string };
}

export interface MappedReply {
  content: string;
  toolCalls?: ToolCall[];
  escalated?: boolean;
  usage?: Usage;
}

const argumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).optional();
/** OpenAI shape `{id, type, function: {name, arguments}}` or flat `{id?, name, arguments|input}`. */
const looseToolCallSchema = z.union([
  z.object({
    id: z.string().optional(),
    function: z.object({ name: z.string().min(1), arguments: argumentsSchema }),
  }),
  z.object({ id: z.string().optional(), name: z.string().min(1), arguments: argumentsSchema, input: argumentsSchema }),
]);

/**
 * Maps a bot's response body to a reply. A missing or non-text reply path is an E_AGENT error
 * naming the path and quoting the start of the body; the optional paths simply yield nothing when
 * absent. Usage is returned only when input and output counts are both numbers (otherwise the
 * runner estimates it).
 *
 * @example
 * mapResponse('{"data":{"reply":"Hi"}}', { reply: 'data.reply' }, 'agent "bot"') // { content: 'Hi' }
 */
export function mapResponse(text: string, mapping: ResponseMapping, label: string): MappedReply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ConvotestError('E_AGENT', `${label}: response is not JSON: ${excerpt(text)}`);
  }
  const reply = getJsonPath(body, mapping.reply);
  const toolCalls = mapping.toolCalls ? readToolCalls(body, mapping.toolCalls, label, text) : undefined;
  let content: string;
  if (reply.found && typeof reply.value === 'string') content = reply.value;
  else if (reply.found && (typeof reply.value === 'number' || typeof reply.value === 'boolean')) content = String(reply.value);
  else if (reply.found && reply.value === null && toolCalls && toolCalls.length > 0) content = '';
  else {
    const what = reply.found ? `is ${reply.value === null ? 'null' : typeof reply.value}, not text` : 'is missing';
    throw new ConvotestError('E_AGENT', `${label}: reply path "${mapping.reply}" ${what} in the response: ${excerpt(text)}`);
  }
  const out: MappedReply = { content };
  if (toolCalls && toolCalls.length > 0) out.toolCalls = toolCalls;
  if (mapping.escalated) {
    const flag = getJsonPath(body, mapping.escalated);
    if (flag.found) out.escalated = flag.value === true || flag.value === 'true' || flag.value === 1;
  }
  if (mapping.usage) {
    const usage = readUsage(body, mapping.usage);
    if (usage) out.usage = usage;
  }
  return out;
}

function readToolCalls(body: unknown, path: string, label: string, text: string): ToolCall[] | undefined {
  const found = getJsonPath(body, path);
  if (!found.found || found.value === null) return undefined;
  if (!Array.isArray(found.value)) {
    throw new ConvotestError('E_AGENT', `${label}: tool calls path "${path}" is not an array: ${excerpt(text)}`);
  }
  return found.value.map((item, index) => {
    const parsed = looseToolCallSchema.safeParse(item);
    if (!parsed.success) {
      throw new ConvotestError('E_AGENT', `${label}: ${path}[${index}] is not a tool call (needs a name): ${excerpt(JSON.stringify(item))}`);
    }
    const call = parsed.data;
    const name = 'function' in call ? call.function.name : call.name;
    const args = 'function' in call ? call.function.arguments : (call.arguments ?? call.input);
    return {
      id: call.id ?? `call_${index}`,
      type: 'function' as const,
      function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
    };
  });
}

function readUsage(body: unknown, paths: NonNullable<ResponseMapping['usage']>): Usage | undefined {
  const count = (path: string | undefined): number | undefined => {
    if (!path) return undefined;
    const found = getJsonPath(body, path);
    const value = found.found ? Number(found.value) : Number.NaN;
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const input = count(paths.input);
  const output = count(paths.output);
  if (input === undefined || output === undefined) return undefined;
  return { input, output, cached: count(paths.cached) ?? 0 };
}
