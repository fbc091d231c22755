import { renderTemplate, TemplateError, templatePlaceholders } from '../core/template.js';
import { ConvotestError } from '../errors.js';
import type { AgentConfig } from '../schema/config.js';
import type { Message } from '../schema/message.js';
import type { Agent, AgentInput, AgentReply } from './agent.js';
import { type AgentDeps, defaultNow, defaultSleep } from './deps.js';
import { mapResponse } from './http-response.js';
import { sendWithRetry } from './http-retry.js';

type HttpAgentConfig = Extract<AgentConfig, { kind: 'http' }>;

/** The placeholders a body template may use. */
export const PLACEHOLDERS = ['messages', 'message', 'system', 'caseId', 'sessionId', 'turn', 'repeat'];

/**
 * An http agent: a team's own bot behind a URL. Each reply renders the body template with
 * `{{messages}}` (the conversation so far, OpenAI shape, no system message), `{{message}}` (the
 * last user message), `{{system}}`, `{{caseId}}`, `{{sessionId}}`, `{{turn}}` and `{{repeat}}`,
 * sends it (GET sends no body), and maps the JSON response with the `response` paths.
 * Headers given as `{env, prefix}` are read from the environment once, at creation: a missing
 * variable is an E_CONFIG error naming it (header values never appear in errors or records).
 */
export async function createHttpAgent(name: string, config: HttpAgentConfig, deps: AgentDeps): Promise<Agent> {
  const headers = resolveHeaders(name, config, deps.env);
  const unknown = templatePlaceholders(config.body).filter((p) => !PLACEHOLDERS.includes(p));
  if (unknown.length > 0) {
    const known = PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ');
    throw new ConvotestError('E_CONFIG', `agent "${name}": body template uses unknown {{${unknown[0]}}} (known: ${known})`);
  }
  const doFetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? defaultNow;
  const label = `agent "${name}" (${config.method} ${safeUrl(config.url)})`;

  return {
    name,
    kind: 'http',
    ...(config.model ? { model: config.model } : {}),
    async reply(input: AgentInput): Promise<AgentReply> {
      const body = config.method === 'GET' ? undefined : JSON.stringify(renderBody(name, config.body, input));
      const started = now();
      const outcome = await sendWithRetry(
        (signal) => doFetch(config.url, { method: config.method, headers, ...(body !== undefined ? { body } : {}), signal }),
        {
          label,
          maxRetries: config.maxRetries,
          timeoutMs: config.timeoutMs,
          signal: input.signal,
          sleep: deps.sleep ?? defaultSleep,
          random: deps.random ?? Math.random,
          json: true,
        },
      );
      const latencyMs = Math.max(0, now() - started);
      const mapped = mapResponse(outcome.text, config.response, label);
      return { ...mapped, latencyMs, ...(config.model ? { model: config.model } : {}) };
    },
  };
}

function resolveHeaders(
  name: string,
  config: HttpAgentConfig,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [header, value] of Object.entries(config.headers)) {
    if (typeof value === 'string') {
      out[header] = value;
      continue;
    }
    const fromEnv = env[value.env];
    if (fromEnv === undefined || fromEnv === '') {
      throw new ConvotestError(
        'E_CONFIG',
        `agent "${name}": header "${header}" reads env var ${value.env}, which is not set`,
      );
    }
    out[header] = `${value.prefix ?? ''}${fromEnv}`;
  }
  const hasContentType = Object.keys(out).some((h) => h.toLowerCase() === 'content-type');
  if (!hasContentType && config.method !== 'GET') out['content-type'] = 'application/json';
  const hasAccept = Object.keys(out).some((h) => h.toLowerCase() === 'accept');
  if (!hasAccept) out.accept = 'application/json';
  return out;
}

/** The variables a body template can use, for one reply. */
export function templateVars(input: AgentInput): Record<string, unknown> {
  const lastUser = [...input.messages].reverse().find((m) => m.role === 'user');
  return {
    messages: input.messages.map(wireMessage),
    message: lastUser?.content ?? '',
    system: input.system ?? input.case.system ?? '',
    caseId: input.case.id,
    sessionId: input.sessionId,
    turn: input.turn,
    repeat: input.repeat,
  };
}

function renderBody(name: string, template: unknown, input: AgentInput): unknown {
  try {
    return renderTemplate(template, templateVars(input));
  } catch (error) {
    if (error instanceof TemplateError) throw new ConvotestError('E_CONFIG', `agent "${name}": body template: ${error.message}`);
    throw error;
  }
}

/** A message as OpenAI-style bots expect it: only the fields that are set. */
function wireMessage(message: Message): Record<string, unknown> {
  const out: Record<string, unknown> = { role: message.role, content: message.content };
  if (message.name) out.name = message.name;
  if (message.tool_calls && message.tool_calls.length > 0) out.tool_calls = message.tool_calls;
  if (message.tool_call_id) out.tool_call_id = message.tool_call_id;
  return out;
}

/** The URL without credentials or query string, safe for error messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}
