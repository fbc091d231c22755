import { ConvotestError, type ErrorCode } from '../errors.js';

/** An http agent failure: the HTTP status when there was a response, and how many requests were sent. */
export class HttpAgentError extends ConvotestError {
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(code: ErrorCode, message: string, details: { status?: number; attempts: number; cause?: unknown }) {
    super(code, message, { cause: details.cause });
    this.name = 'HttpAgentError';
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

export interface RetryOptions {
  /** Agent name and request description (`POST http://…`) for error messages. */
  label: string;
  maxRetries: number;
  timeoutMs: number;
  signal: AbortSignal;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
  /** Wall clock, for Retry-After given as an HTTP date. */
  wallNow?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * The body of a 2xx response must be JSON: one that does not parse (cut by a proxy, a bot
   * restarting) is retried like a 5xx, then rejected with E_AGENT "response is not JSON".
   */
  json?: boolean;
}

export interface HttpOutcome {
  status: number;
  headers: Headers;
  text: string;
  attempts: number;
}

/**
 * Sends a request with a per-request timeout (combined with the caller's signal) and bounded
 * retries: 429 and 503 wait for `Retry-After` (seconds or an HTTP date) when given; other 5xx and
 * connection errors back off exponentially with jitter. 4xx is not retried, and neither is a
 * timeout (the bot may still be acting on the request; the runner's turn timeout bounds the rest).
 * With `json`, a 2xx whose body is not JSON is retried too, with the same backoff and bound.
 * Resolves with the first usable 2xx response; rejects with an HttpAgentError carrying status and attempts.
 */
export async function sendWithRetry(
  send: (signal: AbortSignal) => Promise<Response>,
  options: RetryOptions,
): Promise<HttpOutcome> {
  const { label, maxRetries, signal } = options;
  for (let attempt = 1; ; attempt += 1) {
    if (signal.aborted) throw aborted(label, attempt - 1, signal);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    let response: Response;
    let text: string;
    try {
      response = await send(combined);
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw aborted(label, attempt, signal);
      if (timeout.aborted) {
        throw new HttpAgentError('E_TIMEOUT', `${label}: no response within ${options.timeoutMs} ms`, {
          attempts: attempt,
          cause: error,
        });
      }
      if (attempt > maxRetries) {
        const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new HttpAgentError('E_PROVIDER', `${label}: connection failed after ${attempt} attempt(s): ${why}`, {
          attempts: attempt,
          cause: error,
        });
      }
      await pause(backoffMs(attempt, options), options, attempt);
      continue;
    }
    if (response.ok) {
      if (!options.json || isJson(text)) return { status: response.status, headers: response.headers, text, attempts: attempt };
      if (attempt > maxRetries) {
        throw new HttpAgentError(
          'E_AGENT',
          `${label}: HTTP ${response.status} after ${attempt} attempt(s): response is not JSON: ${excerpt(text)}`,
          { status: response.status, attempts: attempt },
        );
      }
      await pause(backoffMs(attempt, options), options, attempt);
      continue;
    }
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt > maxRetries) {
      const after = retryable ? ` after ${attempt} attempt(s)` : '';
      throw new HttpAgentError(
        retryable ? 'E_PROVIDER' : 'E_AGENT',
        `${label}: HTTP ${response.status}${after}: ${excerpt(text)}`,
        { status: response.status, attempts: attempt },
      );
    }
    const hinted =
      response.status === 429 || response.status === 503
        ? retryAfterMs(response.headers, (options.wallNow ?? Date.now)())
        : undefined;
    const maxDelay = options.maxDelayMs ?? 60_000;
    await pause(Math.min(hinted ?? backoffMs(attempt, options), maxDelay), options, attempt);
  }
}

async function pause(ms: number, options: RetryOptions, attempts: number): Promise<void> {
  try {
    await options.sleep(ms, options.signal);
  } catch {
    throw aborted(options.label, attempts, options.signal);
  }
}

function aborted(label: string, attempts: number, signal: AbortSignal): HttpAgentError {
  return new HttpAgentError('E_ABORTED', `${label}: aborted`, { attempts, cause: signal.reason });
}

/** Exponential backoff with up to 25 % jitter: ~0.5 s, 1 s, 2 s, … capped at 8 s. */
export function backoffMs(attempt: number, options: Pick<RetryOptions, 'random' | 'baseDelayMs'>): number {
  const base = Math.min((options.baseDelayMs ?? 500) * 2 ** (attempt - 1), 8_000);
  return Math.round(base * (1 - options.random() * 0.25));
}

/**
 * The wait a server asked for, in ms: `retry-after-ms`, or `Retry-After` as seconds or an HTTP
 * date (relative to `nowMs`). Undefined when absent or unparsable.
 *
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' }), Date.now()) // 2000
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The first ~200 characters of a body, on one line, for error messages. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
