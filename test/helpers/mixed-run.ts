import type { RunHeader, RunResult } from '../../src/schema/run-record.js';
import { syntheticHeader, syntheticResult } from './synthetic-run.js';

/** A grader name long enough to overflow a 300 px chart title. */
export const LONG_GRADER = 'grounding-against-the-knowledge-base';

/**
 * A run as a CI job meets it: three replayed variants (`twin` costs and scores exactly as
 * `candidate`, so their points coincide), `recorded` transcripts, a variant and a grader that
 * were skipped with a reason, grade errors of two causes and two errored conversations.
 */
export function mixedRun(cases = 20): { header: RunHeader; results: RunResult[] } {
  const options = { cases, seed: 4, runId: 'mixed', variants: ['baseline', 'candidate'] };
  const base = syntheticHeader(options);
  const header: RunHeader = {
    type: 'header',
    ...base,
    variants: [
      ...base.variants,
      { name: 'twin', kind: 'model', provider: 'openai', model: 'gpt-4.1' },
      { name: 'claude', kind: 'model', provider: 'anthropic', model: 'claude-haiku-4-5', skipped: 'ANTHROPIC_API_KEY is not set' },
    ],
    graders: [
      ...base.graders.map((g) => (g.name === 'grounding' ? { ...g, name: LONG_GRADER } : g)),
      { name: 'support-quality', kind: 'judge', scope: 'conversation', threshold: 0.7, hash: 's1', skipped: 'needs a judge model: OPENAI_API_KEY is not set' },
    ],
  };
  const results: RunResult[] = [];
  const rename = (r: ReturnType<typeof syntheticResult>) => ({
    ...r,
    grades: r.grades.map((g) => (g.grader === 'grounding' ? { ...g, grader: LONG_GRADER } : g)),
  });
  for (let i = 0; i < cases; i++) {
    const b = rename(syntheticResult(options, i, 'baseline'));
    const c = rename(syntheticResult(options, i, 'candidate'));
    results.push({ type: 'result', ...b }, { type: 'result', ...c }, { type: 'result', ...c, variant: 'twin' });
  }
  for (let i = 0; i < 4; i++) {
    const r = rename(syntheticResult(options, cases + i, 'baseline'));
    results.push({ type: 'result', ...r, caseId: `recorded-${i}`, variant: 'recorded', mode: 'recorded', costUsd: 0, judgeCostUsd: 0 });
  }
  // Two conversations errored (the agent's provider was down), with no grades.
  for (const r of results.filter((x) => x.variant === 'twin').slice(0, 2)) {
    r.error = { code: 'E_PROVIDER', message: 'openai gpt-4.1: connection refused', turn: 0, retries: 2 };
    r.grades = [];
  }
  // Every judge grade of the baseline errored, for two causes.
  results
    .filter((x) => x.variant === 'baseline')
    .forEach((r, k) => {
      r.grades = r.grades.map((g) =>
        g.grader === 'helpfulness'
          ? { grader: g.grader, kind: g.kind, scope: g.scope, score: null, pass: null, error: k % 3 ? { code: 'E_JUDGE_PARSE', message: 'unparsable judge answer' } : { code: 'E_PROVIDER', message: 'HTTP 503 after 2 retries' } }
          : g,
      );
    });
  return { header, results };
}
