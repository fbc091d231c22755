/**
 * One base error with a stable `code` per kind. The CLI maps codes to exit codes:
 * input/config problems → 2, a run that could not complete → 3.
 */
export type ErrorCode =
  | 'E_INPUT' // a file the user gave is malformed (golden set, config, grader definition, run record)
  | 'E_CONFIG' // configuration is inconsistent or names something unknown
  | 'E_SECRET' // a literal secret where an env var name is required
  | 'E_PROVIDER' // a model provider failed past its retries
  | 'E_TIMEOUT' // a call took longer than its timeout
  | 'E_CACHE_MISS' // --cache-only and the request is not in the cache
  | 'E_AGENT' // an agent returned something unusable
  | 'E_SIMULATOR' // the simulated customer's model failed or wrote nothing usable
  | 'E_GRADER' // a grader could not produce a grade
  | 'E_JUDGE_PARSE' // a judge answer could not be parsed, even after one repair
  | 'E_ABORTED' // the run was interrupted
  | 'E_BUDGET' // --max-cost reached
  | 'E_RECORD' // a run record is unreadable (unknown version, corrupt)
  | 'E_INTERNAL';

export class ConvotestError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConvotestError';
    this.code = code;
  }
}

/** A problem in a file the user wrote: always names the file, and the line and field when known. */
export class InputError extends ConvotestError {
  constructor(
    message: string,
    readonly location: { file: string; line?: number; column?: number; field?: string } = { file: '' },
    options?: { cause?: unknown },
  ) {
    super('E_INPUT', formatLocation(location, message), options);
    this.name = 'InputError';
  }
}

export function formatLocation(
  loc: { file: string; line?: number; column?: number; field?: string },
  message: string,
): string {
  const where = loc.file ? `${loc.file}${loc.line ? `:${loc.line}${loc.column ? `:${loc.column}` : ''}` : ''}` : '';
  return [where, loc.field, message].filter(Boolean).join('  ');
}

/** Exit codes of the CLI (documented in README). */
export const EXIT = { ok: 0, gateFailed: 1, badInput: 2, incomplete: 3 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof ConvotestError) {
    if (error.code === 'E_INPUT' || error.code === 'E_CONFIG' || error.code === 'E_SECRET' || error.code === 'E_RECORD') {
      return EXIT.badInput;
    }
    return EXIT.incomplete;
  }
  return EXIT.incomplete;
}

/** A short, serialisable description of an error, as stored in the run record. */
export function errorInfo(error: unknown): { code: string; message: string } {
  if (error instanceof ConvotestError) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const status = (error as { status?: unknown }).status;
    return { code: typeof status === 'number' ? `HTTP_${status}` : error.name || 'Error', message: error.message };
  }
  return { code: 'Error', message: String(error) };
}
