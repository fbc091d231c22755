import { compileLinear, hasNestedQuantifier } from '../core/regex.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { GraderFile } from './grader-files.js';
import { fieldPath, type Problem } from '../core/problems.js';
import { BACKTRACKING_TIME_LIMIT_MS } from './regex.js';

/**
 * `convotest validate` warnings about patterns that may hit the time limit: those that need the
 * backtracking engine (lookahead, backreferences) and repeat a repetition (`(a+)+`). Patterns on
 * the linear engine cannot blow up, whatever their shape, so they get no warning.
 */

/** The warning for one pattern, or undefined. Invalid patterns are reported elsewhere. */
export function patternWarning(source: string): string | undefined {
  let compiled: ReturnType<typeof compileLinear>;
  try {
    // Most patterns repeat no repetition: they need no warning, and no compiling to know it.
    if (!hasNestedQuantifier(source)) return undefined;
    compiled = compileLinear(source);
  } catch {
    return undefined;
  }
  if (compiled.ok) return undefined;
  return (
    `warning: ${JSON.stringify(source)} has nested quantifiers and uses ${compiled.needs}, so it runs on the backtracking engine: ` +
    `a long reply can take exponential time and is stopped after ${BACKTRACKING_TIME_LIMIT_MS} ms as a grade error`
  );
}

/** Warnings for the `expect.must_match`/`must_not_match` patterns of loaded cases. */
export function caseWarnings(cases: readonly ResolvedCase[]): Problem[] {
  const out: Problem[] = [];
  const check = (c: ResolvedCase, at: PropertyKey[], patterns: readonly string[] | undefined) =>
    patterns?.forEach((source, i) => {
      const message = patternWarning(source);
      if (message) out.push({ file: c.source.file, ...(c.source.line ? { line: c.source.line } : {}), field: `${c.id}: ${fieldPath([...at, i])}`, message });
    });
  for (const c of cases) {
    for (const key of ['must_match', 'must_not_match'] as const) {
      check(c, ['expect', key], c.expect?.[key]);
      c.turns?.forEach((t, n) => check(c, ['turns', n, 'expect', key], t.expect?.[key]));
    }
  }
  return out;
}

const PATTERN_KEY = /^(?:must_match|must_not_match)$|_(?:phrases|markers)$/;

/** Warnings for the patterns of grader definitions (pattern packs, lexicon phrases, markers). */
export function graderWarnings(graders: readonly GraderFile[]): Problem[] {
  const out: Problem[] = [];
  for (const g of graders) {
    const visit = (value: unknown, at: PropertyKey[], inPatterns: boolean): void => {
      if (typeof value === 'string') {
        const message = inPatterns ? patternWarning(value) : undefined;
        if (message) out.push({ file: g.file, ...g.locate(at), field: fieldPath([...g.path, ...at]), message });
      } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...at, i], inPatterns));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) visit(v, [...at, k], inPatterns ? k === 'pattern' || !/^(label|validate)$/.test(k) : PATTERN_KEY.test(k));
      }
    };
    visit(g.definition, [], false);
  }
  return out;
}
