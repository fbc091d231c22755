import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { Message, ToolCall, ToolDefinition } from '../schema/message.js';
import type { ChatModel, ChatRequest, ChatResponse } from './chat.js';
import { type AdaptableParam, adaptBody, rejectedParam } from './openai-params.js';
import { type CallContext, type FailureKind, parsedWithUsage, StructuredOutputError, toConvotestError } from './errors.js';
import {
  baseURLOf,
  type ChatModelDeps,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type ModelRefInput,
} from './settings.js';
import { rejectMalformedJson } from './node-fetch.js';
import { estimateUsage } from './tokenizer.js';
import { isStrictCompatibleOnce, jsonSchemaOf, parseStructured } from './structured.js';

/** Our messages in OpenAI's chat shape (they already are, nearly). */
export function toOpenAIMessages(messages: Message[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    const content = m.content ?? '';
    switch (m.role) {
      case 'system':
        return { role: 'system', content };
      case 'user':
        return { role: 'user', content, ...(m.name ? { name: m.name } : {}) };
      case 'tool':
        return { role: 'tool', content, tool_call_id: m.tool_call_id ?? '' };
      default: // assistant
        return {
          role: 'assistant',
          content: m.content ?? null,
          ...(m.tool_calls?.length
            ? {
                tool_calls: m.tool_calls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.function.name, arguments: c.function.arguments },
                })),
              }
            : {}),
        };
    }
  });
}

export function toOpenAITools(tools: ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters },
  }));
}

function classify(error: unknown): FailureKind {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof OpenAI.APIUserAbortError) return 'aborted';
  if (error instanceof OpenAI.APIConnectionError) return 'connection';
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') return 'status';
  return 'other';
}

/**
 * The SDK client for one model (chat calls and the Batch API share it), with the call context
 * errors are reported in and whether the base URL is a custom (OpenAI-compatible) server.
 */
export function openAIClient(ref: ModelRefInput, apiKey: string, deps: ChatModelDeps = {}): { client: OpenAI; ctx: CallContext; custom: boolean } {
  const env = deps.env ?? process.env;
  const { baseURL, custom } = baseURLOf(ref, env);
  const maxRetries = ref.maxRetries ?? DEFAULT_MAX_RETRIES;
  const timeoutMs = ref.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new OpenAI({
    apiKey,
    baseURL,
    maxRetries,
    timeout: timeoutMs,
    organization: env.OPENAI_ORG_ID ?? null,
    project: env.OPENAI_PROJECT_ID ?? null,
    // A malformed 2xx body is retried like a dropped connection (see rejectMalformedJson).
    fetch: rejectMalformedJson(deps.fetch ?? ((input, init) => globalThis.fetch(input, init))),
  });
  return { client, ctx: { provider: 'openai', model: ref.model, maxRetries, timeoutMs, secrets: [apiKey] }, custom };
}

/** A ChatModel over the OpenAI chat-completions API or any OpenAI-compatible server. */
export function createOpenAIModel(ref: ModelRefInput, apiKey: string, deps: ChatModelDeps = {}): ChatModel {
  const now = deps.now ?? (() => performance.now());
  const { client, ctx, custom } = openAIClient(ref, apiKey, deps);
  /** Parameters this model refused once (see openai-params.ts), adapted on every later call. */
  const adapted = new Set<AdaptableParam>();

  const create = async (body: ChatCompletionCreateParamsNonStreaming, signal?: AbortSignal): Promise<ChatCompletion> => {
    for (const param of adapted) adaptBody(body, param);
    for (;;) {
      try {
        return await client.chat.completions.create(body, { ...(signal ? { signal } : {}) });
      } catch (error) {
        const param = rejectedParam(error);
        if (!param || adapted.has(param) || !adaptBody(body, param)) throw error;
        adapted.add(param);
      }
    }
  };

  return {
    provider: 'openai',
    model: ref.model,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const body = openAIBody(ref, request, custom);
      const started = now();
      let completion: ChatCompletion;
      try {
        completion = await create(body, request.signal);
      } catch (error) {
        throw toConvotestError(error, request.signal?.aborted ? 'aborted' : classify(error), ctx);
      }
      const latencyMs = now() - started;
      return fromCompletion(completion, request, latencyMs, ctx);
    },
  };
}

/** The chat-completions body of a request (also the body of each line of a batch file). */
export function openAIBody(ref: ModelRefInput, request: ChatRequest, custom: boolean): ChatCompletionCreateParamsNonStreaming {
  const params = request.params ?? {};
  const temperature = params.temperature ?? ref.temperature;
  const seed = params.seed ?? ref.seed;
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: ref.model,
    messages: toOpenAIMessages(request.messages),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(params.topP !== undefined ? { top_p: params.topP } : {}),
    ...(seed !== undefined ? { seed } : {}),
    // The official API wants max_completion_tokens; compatible servers mostly know only max_tokens.
    ...(params.maxTokens !== undefined ? (custom ? { max_tokens: params.maxTokens } : { max_completion_tokens: params.maxTokens }) : {}),
    ...(request.tools?.length ? { tools: toOpenAITools(request.tools) } : {}),
  };
  if (request.schema) {
    const schema = jsonSchemaOf(request.schema.schema);
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: request.schema.name, schema, strict: isStrictCompatibleOnce(schema) },
    };
  }
  return body;
}

/** Our response from a chat completion (also a batch output line's body). Throws on a refused or unparsable structured answer. */
export function fromCompletion(completion: ChatCompletion, request: ChatRequest, latencyMs: number, ctx: CallContext): ChatResponse {
  const who = `${ctx.provider} ${ctx.model}`;
  const choice = completion.choices?.[0];
  if (!choice) throw toConvotestError(new Error('no choices in the response'), 'other', ctx);
  // A refusal is what the model said: keep it as the reply text.
  const refusal = choice.message.refusal ?? undefined;
  const content = choice.message.content ?? refusal ?? '';
  const toolCalls: ToolCall[] = [];
  for (const call of choice.message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    toolCalls.push({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } });
  }
  const usage = completion.usage;
  const response: ChatResponse = {
    content,
    toolCalls,
    // Some compatible servers report no usage: count it with the tokenizer and say so.
    usage: usage
      ? {
          input: usage.prompt_tokens ?? 0,
          output: usage.completion_tokens ?? 0,
          cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
        }
      : estimateUsage(request.messages, { content, toolCalls }),
    latencyMs,
    model: completion.model || ctx.model,
    ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
  };
  const schema = request.schema?.schema;
  if (schema) {
    if (refusal && !choice.message.content) {
      throw new StructuredOutputError(`${who}: the model refused: ${refusal}`, refusal, { usage: response.usage });
    }
    response.parsed = parsedWithUsage(response.usage, () => parseStructured(content, schema, who));
  }
  return response;
}
