import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  Message as AnthropicMessage,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { Message, ToolCall, ToolDefinition } from '../schema/message.js';
import type { ChatModel, ChatRequest, ChatResponse } from './chat.js';
import { type CallContext, type FailureKind, parsedWithUsage, toConvotestError } from './errors.js';
import { baseURLOf, type ChatModelDeps, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, type ModelRefInput } from './settings.js';
import { rejectMalformedJson } from './node-fetch.js';
import { jsonSchemaOf, validateStructured } from './structured.js';

/** Stand-ins for turns Anthropic refuses: an empty text block, an opening assistant turn. */
export const EMPTY_TURN = '(empty message)';
export const CONVERSATION_START = '(conversation start)';

/** Anthropic requires max_tokens; used when the request gives none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

function parseArguments(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/**
 * Our OpenAI-shaped conversation in Anthropic's shape: system messages split out, assistant tool
 * calls as tool_use blocks, tool messages as tool_result blocks in a user turn, and consecutive
 * turns of the same role merged (Anthropic wants all results of one tool round in one user turn).
 * An empty user message becomes `(empty message)`; a conversation opening with the assistant
 * gets a `(conversation start)` user turn first.
 */
export function toAnthropicMessages(messages: Message[]): { system: string; messages: MessageParam[] } {
  const system: string[] = [];
  const out: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    const text = m.content ?? '';
    switch (m.role) {
      case 'system':
        if (text) system.push(text);
        break;
      case 'user':
        push('user', [{ type: 'text', text: text.trim() ? text : EMPTY_TURN }]);
        break;
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content: text }]);
        break;
      case 'assistant': {
        const blocks: ContentBlockParam[] = text ? [{ type: 'text', text }] : [];
        for (const call of m.tool_calls ?? []) {
          blocks.push({
            type: 'tool_use',
            id: call.id,
            name: call.function.name,
            input: parseArguments(call.function.arguments),
          });
        }
        push('assistant', blocks);
        break;
      }
    }
  }
  // Anthropic wants the conversation to open with a user turn (a bot may greet first).
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: [{ type: 'text', text: CONVERSATION_START }] });
  return { system: system.join('\n\n'), messages: out };
}

export function toAnthropicTools(tools: ToolDefinition[]): Tool[] {
  return tools.map((t) => ({
    name: t.name,
    ...(t.description ? { description: t.description } : {}),
    input_schema: { type: 'object', ...t.parameters } as Tool.InputSchema,
  }));
}

function classify(error: unknown): FailureKind {
  if (error instanceof Anthropic.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof Anthropic.APIUserAbortError) return 'aborted';
  if (error instanceof Anthropic.APIConnectionError) return 'connection';
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') return 'status';
  return 'other';
}

/** The SDK client for one model (messages and Message Batches share it), with the call context errors are reported in. */
export function anthropicClient(ref: ModelRefInput, apiKey: string, deps: ChatModelDeps = {}): { client: Anthropic; ctx: CallContext } {
  const { baseURL } = baseURLOf(ref, deps.env ?? process.env);
  const maxRetries = ref.maxRetries ?? DEFAULT_MAX_RETRIES;
  const timeoutMs = ref.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new Anthropic({
    apiKey,
    baseURL,
    maxRetries,
    timeout: timeoutMs,
    // A malformed 2xx body is retried like a dropped connection (see rejectMalformedJson).
    fetch: rejectMalformedJson(deps.fetch ?? ((input, init) => globalThis.fetch(input, init))),
  });
  return { client, ctx: { provider: 'anthropic', model: ref.model, maxRetries, timeoutMs, secrets: [apiKey] } };
}

/** A ChatModel over the Anthropic messages API. Structured output is a forced tool call. */
export function createAnthropicModel(ref: ModelRefInput, apiKey: string, deps: ChatModelDeps = {}): ChatModel {
  const now = deps.now ?? (() => performance.now());
  const { client, ctx } = anthropicClient(ref, apiKey, deps);

  return {
    provider: 'anthropic',
    model: ref.model,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const body = anthropicBody(ref, request);
      const started = now();
      let message: AnthropicMessage;
      try {
        message = await client.messages.create(body, { ...(request.signal ? { signal: request.signal } : {}) });
      } catch (error) {
        throw toConvotestError(error, request.signal?.aborted ? 'aborted' : classify(error), ctx);
      }
      return fromMessage(message, request, now() - started, ctx);
    },
  };
}

/** The messages body of a request (also the `params` of each request of a message batch). Structured output is a forced tool. */
export function anthropicBody(ref: ModelRefInput, request: ChatRequest): MessageCreateParamsNonStreaming {
  const params = request.params ?? {};
  const temperature = params.temperature ?? ref.temperature;
  const { system, messages } = toAnthropicMessages(request.messages);
  const tools = toAnthropicTools(request.tools ?? []);
  const body: MessageCreateParamsNonStreaming = {
    model: ref.model,
    max_tokens: params.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages,
    ...(system ? { system } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(params.topP !== undefined ? { top_p: params.topP } : {}),
  };
  if (request.schema) {
    tools.push({
      name: request.schema.name,
      description: 'Record the answer in this exact structure.',
      input_schema: jsonSchemaOf(request.schema.schema) as Tool.InputSchema,
    });
    body.tool_choice = { type: 'tool', name: request.schema.name };
  }
  if (tools.length > 0) body.tools = tools;
  return body;
}

/** Our response from an Anthropic message (also a succeeded batch result). Throws on an unparsable structured answer. */
export function fromMessage(message: AnthropicMessage, request: ChatRequest, latencyMs: number, ctx: CallContext): ChatResponse {
  const who = `${ctx.provider} ${ctx.model}`;
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  let structured: { input: unknown } | undefined;
  for (const block of message.content ?? []) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use') {
      if (request.schema && block.name === request.schema.name) structured = { input: block.input };
      else {
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
      }
    }
  }
  const text = texts.join('');
  const u = message.usage;
  const cached = u?.cache_read_input_tokens ?? 0;
  const response: ChatResponse = {
    content: structured ? JSON.stringify(structured.input) : text,
    toolCalls,
    // Anthropic's input_tokens excludes cache reads and writes; our `input` counts all input.
    usage: {
      input: (u?.input_tokens ?? 0) + cached + (u?.cache_creation_input_tokens ?? 0),
      output: u?.output_tokens ?? 0,
      cached,
    },
    latencyMs,
    model: message.model || ctx.model,
    ...(message.stop_reason ? { finishReason: message.stop_reason } : {}),
  };
  const schema = request.schema?.schema;
  if (schema) {
    response.parsed = parsedWithUsage(response.usage, () =>
      structured ? validateStructured(structured.input, response.content, schema, who) : parseStructuredText(text, request, who),
    );
  }
  return response;
}

/** The model answered in text instead of calling the forced tool: accept it only if it is valid JSON for the schema. */
function parseStructuredText(text: string, request: ChatRequest, who: string): unknown {
  if (!request.schema) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return validateStructured(undefined, text, request.schema.schema, `${who} (no ${request.schema.name} tool call)`);
  }
  return validateStructured(value, text, request.schema.schema, who);
}
