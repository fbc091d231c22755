import type { Usage } from '../../schema/message.js';
import type { JudgeAnswer } from './ask.js';
import { addUsage, ZERO_USAGE } from './ask.js';

/** The outcome of asking a judge k times. */
export type Sampled<T> =
  | { ok: true; verdicts: T[]; failed: number; errors: { code: string; message: string }[]; usage: Usage; attempts: number; model: string }
  | { ok: false; error: { code: string; message: string }; failed: number; usage: Usage; attempts: number };

/**
 * Asks `k` times, one after the other (a grade holds one judge-limiter slot, so samples do not
 * multiply the configured concurrency). The verdicts are used when a strict majority of the
 * samples answered; otherwise the result is the first error. Usage sums every attempt.
 */
export async function sample<T>(k: number, ask: (index: number) => Promise<JudgeAnswer<T>>): Promise<Sampled<T>> {
  const verdicts: T[] = [];
  const errors: { code: string; message: string }[] = [];
  let usage = ZERO_USAGE;
  let attempts = 0;
  let model = '';
  for (let i = 0; i < k; i += 1) {
    const answer = await ask(i);
    usage = addUsage(usage, answer.usage);
    attempts += answer.attempts;
    if (answer.ok) {
      verdicts.push(answer.verdict);
      model ||= answer.model;
    } else {
      errors.push(answer.error);
      // A provider error will not get better on the next sample: stop spending.
      if (answer.error.code !== 'E_JUDGE_PARSE') break;
    }
  }
  if (verdicts.length * 2 > k) return { ok: true, verdicts, failed: errors.length, errors, usage, attempts, model };
  const error = errors[0] ?? { code: 'E_GRADER', message: 'no judge answer' };
  const message = k > 1 ? `${verdicts.length} of ${k} judge samples answered; ${error.message}` : error.message;
  return { ok: false, error: { code: error.code, message }, failed: errors.length, usage, attempts };
}
