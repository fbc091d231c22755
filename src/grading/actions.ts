import * as z from 'zod';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Evidence } from '../schema/grade.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import type { Grader, GraderKind } from './grader.js';
import { definitionSchema, safeGrade, stampOf, textOf } from './grade-helpers.js';
import { globToRegex, toolCallsOf } from './outcomes/detect.js';
import { expectedToolsOf } from './outcomes/outcome.js';
import { matchTools } from './outcomes/tools.js';

const ActionsOptions = definitionSchema({
  /** Globs of the state-changing tools (`cancel_*`, `update_reservation_*`). */
  writes: z.array(z.string().min(1)).min(1),
  /** A tool result whose content starts with one of these is a failed call (default `["Error"]`). */
  error_prefixes: z.array(z.string().min(1)).optional(),
  /** A tool result that is a JSON object with one of these keys is a failed call (default `["error"]`). */
  error_keys: z.array(z.string().min(1)).optional(),
});

/** A tool call of the assistant with its result. */
export interface ActionCall {
  /** Transcript index of the assistant message that made it. */
  turn: number;
  name: string;
  args: unknown;
  /** Raw JSON arguments, as written by the agent. */
  raw: string;
  failed: boolean;
}

/** Whether a tool result reports a failure. */
export function isErrorResult(content: string, prefixes: readonly string[], keys: readonly string[]): boolean {
  const text = content.trim();
  if (prefixes.some((p) => text.startsWith(p))) return true;
  if (!text.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) && keys.some((k) => k in value);
  } catch {
    return false;
  }
}

/** Every tool call of the assistant, each with whether its result (matched by `tool_call_id`) is an error. */
export function actionCalls(
  transcript: readonly TranscriptMessage[],
  failed: (content: string) => boolean,
): ActionCall[] {
  const results = new Map<string, string>();
  for (const m of transcript) if (m.role === 'tool' && m.tool_call_id) results.set(m.tool_call_id, textOf(m));
  return toolCallsOf(transcript).map(({ turn, name, args, id, raw }) => {
    const result = id === undefined ? undefined : results.get(id);
    return { turn, name, args, raw: raw ?? '{}', failed: result !== undefined && failed(result) };
  });
}

const show = (c: { name: string; raw?: string; arguments?: Record<string, unknown> }) =>
  `${c.name}(${c.raw ?? JSON.stringify(c.arguments ?? {})})`;

/**
 * `actions` (no model): what the agent changed. Every expected tool call of the case
 * (`expect.tools`, argument subsets) must be made and succeed, and no other successful call of
 * a state-changing tool (`writes` globs) may be made. A call whose result is an error does not
 * count as made; read-only calls never fail it. Score = share of expected calls made, 0 when an
 * unexpected write succeeded. Applies to cases that list expected tools (`tools: []` = change nothing).
 *
 * @example
 * # graders/actions.yaml
 * name: actions
 * kind: actions
 * writes: ['cancel_*', 'book_*', 'update_*', 'refund_*']
 */
export const actionsKind: GraderKind<typeof ActionsOptions> = {
  options: ActionsOptions,
  defaultScope: 'conversation',
  defaultThreshold: 1,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, actionsKind);
    const writes = definition.writes.map(globToRegex);
    const prefixes = definition.error_prefixes ?? ['Error'];
    const keys = definition.error_keys ?? ['error'];
    const isWrite = (name: string) => writes.some((re) => re.test(name));
    return {
      ...stamp,
      appliesTo: (c: ResolvedCase) => c.expect?.tools !== undefined || (c.turns ?? []).some((t) => t.expect?.tools !== undefined),
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const expected = expectedToolsOf(c);
          const calls = actionCalls(transcript, (content) => isErrorResult(content, prefixes, keys));
          const made = calls.filter((x) => !x.failed);
          const match = matchTools(expected, made);
          const unexpected = match.unused.map((k) => made[k]!).filter((x) => isWrite(x.name));
          const failed = calls.filter((x) => x.failed && (isWrite(x.name) || expected.some((e) => e.name === x.name)));
          const missingCalls = match.missing.map((m) => expected[m.index]!);
          const evidence: Evidence[] = [
            ...missingCalls.map((e) => ({ quote: show(e), note: 'expected call not made' })),
            ...failed.map((x) => ({ turn: x.turn, quote: show(x), note: 'call failed (error result): not counted as made' })),
            ...unexpected.map((x) => ({ turn: x.turn, quote: show(x), note: 'unexpected write' })),
          ];
          const share = expected.length === 0 ? 1 : match.matched.length / expected.length;
          const score = unexpected.length > 0 ? 0 : share;
          const problems: string[] = [];
          if (missingCalls.length > 0) problems.push(`missing: ${missingCalls.map(show).join(', ')}`);
          if (failed.length > 0) problems.push(`failed: ${failed.map(show).join(', ')}`);
          if (unexpected.length > 0) problems.push(`unexpected writes: ${unexpected.map(show).join(', ')}`);
          return {
            score,
            label: unexpected.length > 0 ? 'unexpected-write' : missingCalls.length > 0 ? 'incomplete' : 'as-expected',
            reason:
              problems.length > 0
                ? problems.join('; ')
                : `${match.matched.length} of ${expected.length} expected calls made, no other write`,
            evidence,
            details: {
              expected: expected.length,
              made: match.matched.length,
              missing: missingCalls.map((e) => ({ name: e.name, arguments: e.arguments ?? {} })),
              failed: failed.map((x) => ({ turn: x.turn, name: x.name, arguments: x.args })),
              unexpected: unexpected.map((x) => ({ turn: x.turn, name: x.name, arguments: x.args })),
            },
          };
        }),
    };
  },
};
