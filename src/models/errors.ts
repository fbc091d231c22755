import { ConvotestError } from '../errors.js';

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
 * model's text, so a judge can ask for a repair.
 */
export class StructuredOutputError extends ConvotestError {
  constructor(
    message: string,
    readonly raw: string,
    options?: { cause?: unknown },
  ) {
    super('E_JUDGE_PARSE', message, options);
    this.name = 'StructuredOutputError';
  }
}

const KEY_LIKE = /\b(sk-[A-Za-z0-9_-]{6,}|sk-ant-[A-Za-z0-9_-]{6,})/g;

/** Removes the given secrets and anything shaped like an API key from a text. */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out.replace(KEY_LIKE, '***');
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
    case 'connection':
      return new ConvotestError('E_PROVIDER', `${who}: connection failed: ${networkCause(error) ?? sdkMessage} (${retries})`, { cause: error });
    default:
      return new ConvotestError('E_PROVIDER', `${who}: unusable response: ${sdkMessage}`, { cause: error });
  }
}
