import type { RunResult } from '../../schema/run-record.js';

/** Errors of one cause: how many, and the first case that had it (to open in the case view). */
export interface ErrorGroup {
  /** The grader, for grade errors. */
  grader?: string;
  code: string;
  message: string;
  count: number;
  example: { caseId: string; variant: string };
}

/** Conversation errors and grade errors of a run, each grouped by cause, most frequent first. */
export interface ErrorGroups {
  conversations: ErrorGroup[];
  grades: ErrorGroup[];
}

/**
 * Groups a run's errors by cause: conversations (results that could not finish) by code and
 * message; grades (a grader gave no verdict) by grader, code and message. The two are never
 * mixed: an errored grade is not an errored conversation.
 *
 * @example
 * const { conversations, grades } = groupErrors(run.results);
 * grades[0] // { grader: 'hallucination', code: 'E_JUDGE_PARSE', message: '…', count: 25, example: { caseId, variant } }
 */
export function groupErrors(results: Iterable<Pick<RunResult, 'caseId' | 'variant' | 'error' | 'grades'>>): ErrorGroups {
  const conversations = new Map<string, ErrorGroup>();
  const grades = new Map<string, ErrorGroup>();
  const add = (into: Map<string, ErrorGroup>, key: string, group: Omit<ErrorGroup, 'count'>) => {
    const g = into.get(key);
    if (g) g.count++;
    else into.set(key, { ...group, count: 1 });
  };
  for (const r of results) {
    const example = { caseId: r.caseId, variant: r.variant };
    if (r.error) add(conversations, JSON.stringify([r.error.code, r.error.message]), { code: r.error.code, message: r.error.message, example });
    for (const g of r.grades) {
      if (g.error) add(grades, JSON.stringify([g.grader, g.error.code, g.error.message]), { grader: g.grader, code: g.error.code, message: g.error.message, example });
    }
  }
  const sorted = (m: Map<string, ErrorGroup>) => [...m.values()].sort((a, b) => b.count - a.count);
  return { conversations: sorted(conversations), grades: sorted(grades) };
}
