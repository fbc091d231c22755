/**
 * Types of the loopback fake LLM server: the request as the server understood it, scripted
 * replies, fault rules and the request log. Shared by server.ts, the wire encoders and cli.ts.
 */

export type FakeProvider = 'openai' | 'anthropic';

/** A text pattern: a string matches as a case-insensitive substring; a RegExp is tested as is. */
export type TextPattern = string | RegExp;

/** A tool call the fake model makes. `arguments` may be an object (serialised) or a JSON string. */
export interface FakeToolCall {
  name: string;
  arguments?: unknown;
  id?: string;
}

/**
 * What the fake model answers: plain text, tool calls (optionally with text), a structured
 * object, or a refusal (OpenAI `message.refusal`; Anthropic text with stop_reason `refusal`).
 */
export type FakeReply =
  | { text: string }
  | { toolCalls: FakeToolCall[]; text?: string }
  | { structured: unknown }
  | { refusal: string };

/** A reply, or a function of the request returning one (called once per request). */
export type ReplySpec = FakeReply | ((request: FakeChatRequest) => FakeReply);

/** The request normalised over both wire formats: what rules match on and reply functions see. */
export interface FakeChatRequest {
  provider: FakeProvider;
  model: string;
  /** The system prompt (OpenAI system messages joined, or Anthropic `system`). */
  system: string;
  /** Text of the last user message (tool results are not user messages). */
  lastUser: string;
  /** The conversation ends with tool results: the model is being told what its tools returned. */
  afterTool: boolean;
  /** Every message flattened to role + text (tool results have role 'tool'). */
  messages: { role: string; text: string }[];
  /** Names of the tools offered. */
  tools: string[];
  /** Structured output requested: OpenAI json_schema response_format, or Anthropic forced tool. */
  structured?: { name: string; schema: Record<string, unknown> };
  /** The raw JSON body as received. */
  body: Record<string, unknown>;
}

/** When a rule or fault applies. Every given field must match. */
export interface RuleMatch {
  lastUser?: TextPattern;
  system?: TextPattern;
  model?: TextPattern;
  provider?: FakeProvider;
  /**
   * true: only when the conversation ends with tool results; false: only when it does not.
   * A rule answering a user message with a tool call should say `afterTool: false`, or it
   * matches again after the tool result and the agent loops until its step limit.
   */
  afterTool?: boolean;
  /**
   * true: only judge-style requests (structured output requested, or the system prompt or last
   * user message contains the marker `[judge]`); false: only the others.
   */
  judge?: boolean;
}

export interface ScriptRule {
  /** Shown in the request log. */
  name?: string;
  match?: RuleMatch;
  reply: ReplySpec;
  /** Extra latency for this rule (ms), instead of the global latency. */
  latencyMs?: number;
  /** Model id reported in the response (e.g. a dated id); default: the requested model. */
  model?: string;
  /** Usage to report instead of the length-based estimate (fields given replace the estimate). */
  usage?: { input?: number; output?: number; cached?: number };
  /** Stop matching after this many uses. */
  times?: number;
  /** Leave `usage` out of the response, as some OpenAI-compatible servers do. */
  omitUsage?: boolean;
}

/**
 * rate_limit: 429 + retry-after; server_error: 500; overloaded: 529 overloaded_error (Anthropic) or
 * 503 (OpenAI); timeout: hang; malformed: 200 with a truncated JSON body; drop: the connection is
 * destroyed mid-body; auth: 401 whose message echoes the key, as OpenAI's does.
 */
export type FaultKind = 'rate_limit' | 'server_error' | 'overloaded' | 'timeout' | 'malformed' | 'drop' | 'auth';

/**
 * A fault to inject. Without `times` or `probability` it hits every matching request.
 * `times: n` hits the first n matching requests; `probability: p` hits each matching request
 * with chance p, drawn from a PRNG seeded with `seed` (deterministic for a given request order).
 */
export interface FaultRule {
  kind: FaultKind;
  match?: RuleMatch;
  times?: number;
  probability?: number;
  seed?: number;
  /** rate_limit: value of the `retry-after` header in seconds (default 1). */
  retryAfter?: number;
  /** Sends `retry-after-ms` too (the SDKs prefer it), so tests can retry fast. */
  retryAfterMs?: number;
  /** timeout: how long to hang before answering normally (default: until the client goes away). */
  hangMs?: number;
}

export type Outcome = 'ok' | FaultKind | 'bad_request' | 'not_found';

/** One entry of the request log. */
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  provider?: FakeProvider;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** Milliseconds since the server started. */
  time: number;
  outcome: Outcome;
  /** Name (or index) of the rule that produced the reply. */
  rule?: string;
}

export interface FakeLlmOptions {
  /** Rules tried in order, first match wins. */
  script?: ScriptRule[];
  faults?: FaultRule[];
  /** Latency added to every successful reply (ms). */
  latencyMs?: number;
  /** Keep the request log (default true; turn off for long benches). */
  log?: boolean;
  /** Model ids to report per requested id (e.g. `{ 'gpt-4o': 'gpt-4o-2024-08-06' }`); a rule's `model` wins. */
  modelIds?: Record<string, string>;
  /**
   * OpenAI body parameters to refuse with a 400 naming them in `param`, as the real API does for
   * e.g. `temperature` on reasoning models or `max_tokens` on newer ones.
   */
  rejectParams?: string[];
  /** Port to listen on (default 0: a random free port). */
  port?: number;
}

export interface FakeLlmCounts {
  requests: number;
  byOutcome: Partial<Record<Outcome, number>>;
  byProvider: Partial<Record<FakeProvider, number>>;
  byRule: Record<string, number>;
}
