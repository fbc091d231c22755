import { createSecretScrubber } from '../core/redact-secrets.js';
import { ConvotestError } from '../errors.js';
import type { Usage } from '../schema/message.js';
import { MalformedJsonError } from './node-fetch.js';

/** What kind of failure an SDK error is; each provider file classifies its own SDK's classes. */
export type FailureKind = 'timeout' | 'aborted' | 'status' | 'connection' | 'other';

export interface CallContext {
  provider: string;
  model: string;
  maxRetries: number;
  timeoutMs: number;
  /** Secrets that must never appear in a message (the API key). */
  secrets: string[];
}

/**
 * A structured-output answer that did not parse or did not match the schema. `raw` is the
 * model's text, so a judge can ask for a repair; `usage` is what the provider reported for the
 * call, since an unusable answer was still paid for.
 */
export class StructuredOutputError extends ConvotestError {
  usage?: Usage;

  constructor(
    message: string,
    readonly raw: string,
    options?: { cause?: unknown; usage?: Usage },
  ) {
    super('E_JUDGE_PARSE', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StructuredOutputError';
    if (options?.usage) this.usage = options.usage;
  }
}

/**
 * Runs `parse` on a reply whose usage is known; a StructuredOutputError it throws leaves with
 * that usage attached, so the judge counts the tokens of the answer it could not use.
 */
export function parsedWithUsage<T>(usage: Usage, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof StructuredOutputError && !error.usage) error.usage = usage;
    throw error;
  }
}

/** Replaces the given secrets and anything shaped like a key or credential header with `[SECRET]`. */
export function redactSecrets(text: string, secrets: string[]): string {
  return createSecretScrubber(secrets)(text);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * `type: message` from an SDK APIError's parsed body: openai keeps `{ message, type, code }`,
 * Anthropic the whole `{ type: 'error', error: { type, message } }`.
 */
function apiErrorDetail(error: unknown): string | undefined {
  const body = field(error, 'error');
  const inner = typeof field(field(body, 'error'), 'message') === 'string' ? field(body, 'error') : body;
  const message = field(inner, 'message');
  if (typeof message !== 'string') return undefined;
  const type = field(inner, 'type') ?? field(inner, 'code');
  return typeof type === 'string' && type ? `${type}: ${message}` : message;
}

/** The MalformedJsonError an SDK connection error wraps, if any. */
function malformedCause(error: unknown): MalformedJsonError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof MalformedJsonError) return e;
  }
  return undefined;
}

/**
 * The system error under an SDK's generic "Connection error." (e.g. `connect ECONNREFUSED
 * 127.0.0.1:9`), so the record says why the connection failed.
 */
function networkCause(error: unknown): string | undefined {
  for (let e: unknown = field(error, 'cause'), depth = 0; e !== undefined && depth < 5; e = field(e, 'cause'), depth++) {
    const code = field(e, 'code');
    const message = field(e, 'message');
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof message === 'string') return message.includes(code) ? message : `${code}: ${message}`;
  }
  return undefined;
}

/**
 * Maps an SDK error to a ConvotestError: E_TIMEOUT, E_ABORTED or E_PROVIDER, with a message
 * naming provider, model, HTTP status and the SDK's message (key redacted), and `cause` kept.
 */
export function toConvotestError(error: unknown, kind: FailureKind, ctx: CallContext): ConvotestError {
  if (error instanceof ConvotestError) return error;
  const who = `${ctx.provider} ${ctx.model}`;
  const sdkMessage = redactSecrets(error instanceof Error ? error.message : String(error), ctx.secrets);
  const retries = `maxRetries ${ctx.maxRetries}`;
  switch (kind) {
    case 'timeout':
      return new ConvotestError('E_TIMEOUT', `${who}: timed out after ${ctx.timeoutMs} ms (${retries})`, {
        cause: error,
      });
    case 'aborted':
      return new ConvotestError('E_ABORTED', `${who}: request aborted`, { cause: error });
    case 'status': {
      const status = (error as { status?: number }).status;
      const detail = redactSecrets(apiErrorDetail(error) ?? sdkMessage.replace(new RegExp(`^${status}\\s*`), ''), ctx.secrets);
      return new ConvotestError('E_PROVIDER', `${who}: HTTP ${status} ${detail} (${retries})`, { cause: error });
    }
    case 'connection': {
      const malformed = malformedCause(error);
      if (malformed) {
        const body = redactSecrets(malformed.excerpt, ctx.secrets);
        return new ConvotestError('E_PROVIDER', `${who}: malformed JSON in an HTTP ${malformed.status} response: ${body} (${retries})`, {
          cause: error,
        });
      }
      return new ConvotestError('E_PROVIDER', `${who}: connection failed: ${networkCause(error) ?? sdkMessage} (${retries})`, { cause: error });
    }
    default:
      return new ConvotestError('E_PROVIDER', `${who}: unusable response: ${sdkMessage}`, { cause: error });
  }
}
