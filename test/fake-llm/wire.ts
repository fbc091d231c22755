import type { ResolvedReply } from './reply.js';
import type { FakeChatRequest, FakeProvider } from './types.js';

type Usage = { input: number; output: number; cached: number };

/** An OpenAI chat.completion body. */
export function openAIResponse(reply: ResolvedReply, usage: Usage, model: string, seq: number) {
  const toolCalls = reply.toolCalls.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
  return {
    id: `chatcmpl-fake-${seq}`,
    object: 'chat.completion',
    created: 1_700_000_000 + seq,
    model,
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.refusal !== undefined || (toolCalls.length > 0 && !reply.text) ? null : reply.text,
          refusal: reply.refusal ?? null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  };
}

/** An Anthropic message body. A structured reply to a forced-tool request becomes that tool's tool_use block. */
export function anthropicResponse(req: FakeChatRequest, reply: ResolvedReply, usage: Usage, model: string, seq: number) {
  const content: Record<string, unknown>[] = [];
  if (reply.hasStructured && req.structured) {
    content.push({ type: 'tool_use', id: `toolu_fake_${seq}_s`, name: req.structured.name, input: reply.structured });
  } else if (reply.text || reply.toolCalls.length === 0) {
    content.push({ type: 'text', text: reply.text });
  }
  for (const c of reply.toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
  const usesTool = content.some((b) => b.type === 'tool_use');
  return {
    id: `msg_fake_${seq}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.refusal !== undefined ? 'refusal' : usesTool ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: usage.input - usage.cached,
      output_tokens: usage.output,
      cache_read_input_tokens: usage.cached,
      cache_creation_input_tokens: 0,
    },
  };
}

/** Status and body of an error in each provider's shape. */
export function errorResponse(
  provider: FakeProvider,
  kind: 'rate_limit' | 'server_error' | 'overloaded' | 'bad_request' | 'not_found' | 'auth',
  message?: string,
): { status: number; body: unknown } {
  const table = {
    rate_limit: { status: 429, openai: 'rate_limit_exceeded', anthropic: 'rate_limit_error', text: 'Rate limit reached (fake).' },
    server_error: { status: 500, openai: 'server_error', anthropic: 'api_error', text: 'The server had an error (fake).' },
    overloaded: {
      status: provider === 'anthropic' ? 529 : 503,
      openai: 'server_error',
      anthropic: 'overloaded_error',
      text: 'Overloaded (fake).',
    },
    bad_request: { status: 400, openai: 'invalid_request_error', anthropic: 'invalid_request_error', text: 'Bad request.' },
    auth: { status: 401, openai: 'invalid_api_key', anthropic: 'authentication_error', text: 'Incorrect API key provided.' },
    not_found: { status: 404, openai: 'not_found', anthropic: 'not_found_error', text: 'Not found.' },
  }[kind];
  const text = message ?? table.text;
  if (provider === 'anthropic') {
    return { status: table.status, body: { type: 'error', error: { type: table.anthropic, message: text } } };
  }
  return { status: table.status, body: { error: { message: text, type: table.openai, param: null, code: table.openai } } };
}

/** OpenAI's 400 for a parameter the model does not support. */
export function unsupportedParam(param: string): { status: number; body: unknown } {
  return {
    status: 400,
    body: {
      error: {
        message: `Unsupported parameter: '${param}' is not supported with this model.`,
        type: 'invalid_request_error',
        param,
        code: 'unsupported_parameter',
      },
    },
  };
}
