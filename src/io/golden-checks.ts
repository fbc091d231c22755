import type { GoldenCase, Tags, TurnExpect } from '../schema/golden-set.js';
import type { Message } from '../schema/message.js';
import { didYouMean } from '../core/problems.js';
import { compileRegex } from '../core/regex.js';

/** Reports one problem at a path relative to the thing being checked. */
export type Report = (path: PropertyKey[], message: string, options?: { key?: boolean }) => void;

/** What a case is checked against beyond its own schema. */
export interface CaseCheckContext {
  /** Ids of the knowledge documents the file defines. */
  knowledgeIds: ReadonlySet<string>;
  /** Grader names that exist; when absent, grader names are not checked. */
  knownGraders?: ReadonlySet<string>;
}

/**
 * Checks a case that already matches its schema for what a schema cannot say: empty
 * conversations, transcripts whose roles make no sense, invalid regexes, dangling knowledge
 * references, unknown grader names and empty tag values. Pure: problems go to `report`.
 */
export function checkCase(c: GoldenCase, ctx: CaseCheckContext, report: Report): void {
  if (c.turns?.length === 0) report(['turns'], 'empty conversation: `turns` has no user turns');
  if (c.transcript) checkTranscript(c.transcript, (path, message, o) => report(['transcript', ...path], message, o));
  c.turns?.forEach((turn, i) => {
    if (turn.expect) checkExpect(turn.expect, ctx, (path, message, o) => report(['turns', i, 'expect', ...path], message, o));
  });
  if (c.expect) checkExpect(c.expect, ctx, (path, message, o) => report(['expect', ...path], message, o));
  c.knowledge?.forEach((ref, i) => {
    if (typeof ref === 'string' && !ctx.knowledgeIds.has(ref)) {
      const defined = ctx.knowledgeIds.size > 0 ? didYouMean(ref, ctx.knowledgeIds) : ' (this file defines no `knowledge`; a JSONL case needs inline documents)';
      report(['knowledge', i], `unknown knowledge document "${ref}"${defined}`);
    }
  });
  checkTags(c.tags, (path, message, o) => report(['tags', ...path], message, o));
}

/** Checks the regexes and grader names of an `expect` block. */
export function checkExpect(expect: TurnExpect, ctx: CaseCheckContext, report: Report): void {
  for (const key of ['must_match', 'must_not_match'] as const) {
    expect[key]?.forEach((source, i) => {
      try {
        compileRegex(source);
      } catch (error) {
        report([key, i], `invalid regex: ${(error as Error).message}`);
      }
    });
  }
  checkGraderNames(expect.graders, ctx.knownGraders, (path, message) => report(['graders', ...path], message));
}

/** Reports grader names that are not defined (only when the known names are given). */
export function checkGraderNames(names: readonly string[] | undefined, known: ReadonlySet<string> | undefined, report: Report): void {
  if (!names || !known) return;
  names.forEach((name, i) => {
    if (!known.has(name)) report([i], `unknown grader "${name}"${didYouMean(name, known)}`);
  });
}

/** Tag names and values must not be empty (they become slice keys). */
export function checkTags(tags: Tags | undefined, report: Report): void {
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (key.trim() === '') report([key], 'tag name is empty', { key: true });
    if (typeof value === 'string' ? value.trim() === '' : value.length === 0) report([key], `tag "${key}" has an empty value`);
    else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (v.trim() === '') report([key, i], `tag "${key}" has an empty value`);
      });
    }
  }
}

/**
 * Checks that a recorded transcript is a conversation: not empty, at least one assistant message
 * to grade, tool_calls only on assistant messages, every tool message answering an earlier,
 * not yet answered tool call, and no tool call id used twice while unanswered.
 */
export function checkTranscript(transcript: readonly Message[], report: Report): void {
  if (transcript.length === 0) {
    report([], 'empty conversation: `transcript` has no messages');
    return;
  }
  if (transcript.every((m) => m.role === 'system')) report([], 'transcript has only system messages');
  else if (!transcript.some((m) => m.role === 'assistant')) report([], 'transcript has no assistant message to grade');

  const pending = new Map<string, string>();
  const answered = new Map<string, number>();
  transcript.forEach((message, i) => {
    if (message.tool_calls && message.role !== 'assistant') {
      report([i, 'tool_calls'], `only assistant messages have tool_calls (this one is "${message.role}")`, { key: true });
    }
    if (message.tool_call_id !== undefined && message.role !== 'tool') {
      report([i, 'tool_call_id'], `only tool messages have tool_call_id (this one is "${message.role}")`, { key: true });
    }
    if (message.role === 'assistant') {
      message.tool_calls?.forEach((call, k) => {
        const earlier = pending.get(call.id);
        if (earlier !== undefined) {
          report([i, 'tool_calls', k, 'id'], `duplicate tool_call id "${call.id}" (also at ${earlier}, not yet answered)`);
        } else pending.set(call.id, `transcript[${i}].tool_calls[${k}]`);
      });
    }
    if (message.role === 'tool') {
      const id = message.tool_call_id;
      if (id === undefined) {
        report([i], 'tool message without tool_call_id');
      } else if (pending.has(id)) {
        pending.delete(id);
        answered.set(id, i);
      } else {
        const before = answered.get(id);
        report(
          [i, 'tool_call_id'],
          before !== undefined
            ? `tool call "${id}" was already answered at transcript[${before}]`
            : `tool message answers "${id}", but no earlier assistant message has a tool_call with that id`,
        );
      }
    }
  });
}
