import { createSecretScrubber, isCredentialHeader } from '../core/redact-secrets.js';
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
 * variable is an E_CONFIG error naming it. Header values never appear in errors: a bot that
 * echoes the request in an error body has every header value replaced by `[SECRET]` (the run's
 * store filter scrubs every secret again before anything is written).
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
  const scrub = createSecretScrubber(headerSecrets(config, headers));

  return {
    name,
    kind: 'http',
    ...(config.model ? { model: config.model } : {}),
    async reply(input: AgentInput): Promise<AgentReply> {
      const body = config.method === 'GET' ? undefined : JSON.stringify(renderBody(name, config.body, input));
      const started = now();
      const outcome = await scrubbed(scrub, () => sendWithRetry(
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
      ));
      const latencyMs = Math.max(0, now() - started);
      const mapped = await scrubbed(scrub, () => mapResponse(outcome.text, config.response, label));
      return { ...mapped, latencyMs, ...(config.model ? { model: config.model } : {}) };
    },
  };
}

/**
 * The header values to keep out of error messages: those read from env vars (with and without
 * their prefix) and the literal values of credential headers (`Authorization: Bearer …`).
 */
function headerSecrets(config: HttpAgentConfig, headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [header, value] of Object.entries(config.headers)) {
    const sent = headers[header];
    if (sent === undefined) continue;
    if (typeof value !== 'string') out.push(sent, sent.slice((value.prefix ?? '').length));
    else if (isCredentialHeader(header)) out.push(sent, sent.replace(/^\s*[A-Za-z]+\s+/, ''));
  }
  return out;
}

/** Runs `work`; an error it throws leaves with `scrub` applied to its message. */
async function scrubbed<T>(scrub: (text: string) => string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error) error.message = scrub(error.message);
    throw error;
  }
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
